package io.streamaug.worker;

import io.streamaug.kafka.RecordLimits;
import io.streamaug.kafka.Topics;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The worker's Kafka Streams configuration. Operator values (passed in {@code base}) win;
 * defaults are filled in with {@code putIfAbsent}: exactly-once v2, poison records to the
 * dead-letter topic (Kafka Streams' own handlers, KIP-1034, with the stage named), the output
 * compressed with {@link #DEFAULT_OUTPUT_COMPRESSION}, a 50 ms linger and batches of
 * {@link #DEFAULT_OUTPUT_BATCH_BYTES} (256 KiB, less where the output topics take less) on the output
 * (prepared records are large).
 */
public final class AugmentConfig {
    public static final String DEFAULT_APPLICATION_ID = "streamaug-augment";
    /** How long the group waits for a worker that stopped heartbeating before it hands its partitions on. */
    public static final int SESSION_TIMEOUT_MS = 10_000;
    /**
     * The output producer's {@code compression.type} unless the operator sets it ({@code --kafka
     * compression.type=…} or {@code producer.compression.type=…}). {@code bench pipeline --photos}
     * measures none, lz4 and zstd side by side on camera-size records (docs/benchmarks.md).
     */
    public static final String DEFAULT_OUTPUT_COMPRESSION = "lz4";
    /**
     * The output producer's {@code batch.size} unless the operator sets it, capped by the largest
     * value the output topics take (a cluster may lower {@code max.message.bytes}). For camera-size
     * records {@code bench pipeline --photos} measured 768 KiB ({@code --kafka producer.batch.size=786432})
     * beside it: two workers' sender threads then spent 1.14–1.18× one worker's CPU per record instead
     * of 1.39–1.46×, but two workers' CPU per record in all did not fall reliably, and with Fashion-MNIST's
     * small records two workers' stream threads spent more in both runs, so 256 KiB stays the default
     * (docs/benchmarks.md, "Photos through Kafka").
     */
    public static final int DEFAULT_OUTPUT_BATCH_BYTES = 256 * 1024;

    private AugmentConfig() {
    }

    public static Properties build(Properties base, Topics topics, String applicationId, int threads, String stateDir) {
        return build(base, topics, applicationId, threads, stateDir, RecordLimits.KAFKA_DEFAULTS);
    }

    /**
     * The configuration for a worker whose output topics take values up to {@code limits}: the
     * producer may send that much, and a record over it is dead-lettered by {@link OutputErrorHandler}.
     */
    public static Properties build(Properties base, Topics topics, String applicationId, int threads, String stateDir,
            RecordLimits limits) {
        Properties props = new Properties();
        props.putAll(base);
        props.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
        props.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        // -1: the broker's default.replication.factor, right for a one-node dev broker and a real cluster alike.
        props.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
        props.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq());
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputErrorHandler.class.getName());
        props.putIfAbsent(DeadLetterHandler.MAX_VALUE_CONFIG, Integer.toString(limits.deadLetterBytes()));
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Integer.toString(limits.producerMaxRequestBytes()));
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        // A prefixed default would beat an operator's unprefixed compression.type in Kafka Streams.
        if (!props.containsKey(ProducerConfig.COMPRESSION_TYPE_CONFIG)) {
            props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), DEFAULT_OUTPUT_COMPRESSION);
        }
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "50");
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                Integer.toString(Math.min(DEFAULT_OUTPUT_BATCH_BYTES, limits.preparedBytes())));
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "1000");
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Failover: a worker that dies silently (SIGKILL, a lost node) gives its partitions up after
        // SESSION_TIMEOUT_MS instead of the consumer's 45 s; a worker that stops cleanly leaves at once.
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(SESSION_TIMEOUT_MS));
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(SESSION_TIMEOUT_MS / 5));
        return props;
    }
}
