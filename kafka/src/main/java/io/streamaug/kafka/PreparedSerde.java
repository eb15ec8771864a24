package io.streamaug.kafka;

import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka Serde of prepared records; deserialising bad bytes throws {@link MalformedRecordException}.
 * Serialising a record over {@code maxBytes} throws {@link OversizedRecordException}, so that it is
 * dead-lettered instead of refused by the broker.
 */
public final class PreparedSerde implements Serde<PreparedSample> {
    /** The one header of a prepared record: the spec that made it, {@code NAME@sha256:HEX}. */
    public static final String SPEC_HEADER = "streamaug.spec";

    private final int maxBytes;

    /** No size limit (readers, tests). */
    public PreparedSerde() {
        this(Integer.MAX_VALUE);
    }

    public PreparedSerde(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Serializer<PreparedSample> serializer() {
        return (topic, sample) -> {
            if (sample == null) {
                return null;
            }
            byte[] bytes = PreparedCodec.encode(sample);
            if (bytes.length > maxBytes) {
                throw new OversizedRecordException(topic, bytes.length, maxBytes);
            }
            return bytes;
        };
    }

    @Override
    public Deserializer<PreparedSample> deserializer() {
        return (topic, bytes) -> bytes == null ? null : PreparedCodec.decode(bytes);
    }
}
