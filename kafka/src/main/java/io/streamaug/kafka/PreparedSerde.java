package io.streamaug.kafka;

import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka Serde of prepared records; deserialising bad bytes throws {@link MalformedRecordException}. */
public final class PreparedSerde implements Serde<PreparedSample> {
    @Override
    public Serializer<PreparedSample> serializer() {
        return (topic, sample) -> sample == null ? null : PreparedCodec.encode(sample);
    }

    @Override
    public Deserializer<PreparedSample> deserializer() {
        return (topic, bytes) -> bytes == null ? null : PreparedCodec.decode(bytes);
    }
}
