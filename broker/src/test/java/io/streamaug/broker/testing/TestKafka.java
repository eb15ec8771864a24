package io.streamaug.broker.testing;

import io.streamaug.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * A running test broker: where it is, fresh topic names so that test cases never share data, and
 * the one way tests read a topic back.
 */
public record TestKafka(String bootstrapServers) {
    private static final AtomicInteger NEXT = new AtomicInteger();

    /** Client properties with the bootstrap servers set. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /**
     * Every record of {@code topics} from the beginning, read committed, once {@code expected} have
     * arrived and {@link #SETTLE} more has brought nothing (so that extras and duplicates show), or
     * when {@code timeout} runs out. Duplicates are returned, not dropped: the caller asserts on them.
     */
    public List<ConsumerRecord<String, byte[]>> readCommitted(int expected, Duration timeout, String... topics) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProperties())) {
            assignFromBeginning(consumer, topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                var records = consumer.poll(Duration.ofMillis(200));
                records.forEach(out::add);
                if (out.size() >= expected && (settleUntil == Long.MAX_VALUE || !records.isEmpty())) {
                    settleUntil = System.nanoTime() + SETTLE.toNanos();
                }
            }
        }
        return out;
    }

    /**
     * Every record of {@code topics} from the beginning up to their end offsets when reading starts
     * (for a read-committed reader: the last stable offset), or what arrived before {@code timeout}.
     */
    public List<ConsumerRecord<String, byte[]>> readToEnd(Duration timeout, String... topics) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProperties())) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topics);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** How long a reader keeps polling after the expected count, to catch extras and duplicates. */
    public static final Duration SETTLE = Duration.ofSeconds(3);

    private Properties readerProperties() {
        Properties props = clientProperties();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<?, ?> consumer, String... topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** The project's topic names behind a prefix no other test case uses. */
    public Topics freshTopics(String testName) {
        return new Topics("t" + NEXT.incrementAndGet() + "-" + testName.replaceAll("[^A-Za-z0-9]", "") + ".");
    }
}
