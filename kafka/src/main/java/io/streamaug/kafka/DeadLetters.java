package io.streamaug.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Dead letters: the source key and value unchanged, with headers saying which stage refused it,
 * why, and where it came from. The trainer writes them with {@link #of}; the augment worker's are
 * made by Kafka Streams' handler (with its {@code __streams.errors.*} headers) and stamped with the
 * same headers by {@link #stamp}.
 */
public final class DeadLetters {
    public static final String STAGE = "streamaug.stage";
    public static final String ERROR_CLASS = "streamaug.error.class";
    public static final String ERROR_MESSAGE = "streamaug.error.message";
    public static final String SOURCE_TOPIC = "streamaug.source.topic";
    public static final String SOURCE_PARTITION = "streamaug.source.partition";
    public static final String SOURCE_OFFSET = "streamaug.source.offset";

    private DeadLetters() {
    }

    /** The dead letter for a record that {@code stage} could not use. */
    public static ProducerRecord<byte[], byte[]> of(Topics topics, String stage, ConsumerRecord<byte[], byte[]> source,
            Exception error) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(topics.dlq(), source.key(), source.value());
        Headers headers = letter.headers();
        source.headers().forEach(h -> headers.add(h.key(), h.value()));
        stamp(headers, stage, error, source.topic(), source.partition(), source.offset());
        return letter;
    }

    /** Sets the project's dead-letter headers (replacing any already there). */
    public static void stamp(Headers headers, String stage, Exception error, String topic, int partition, long offset) {
        put(headers, STAGE, stage);
        put(headers, ERROR_CLASS, error.getClass().getName());
        put(headers, ERROR_MESSAGE, String.valueOf(error.getMessage()));
        put(headers, SOURCE_TOPIC, topic);
        put(headers, SOURCE_PARTITION, Integer.toString(partition));
        put(headers, SOURCE_OFFSET, Long.toString(offset));
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
