package io.streamaug.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the dataset definitions from the compacted datasets topic (latest value per dataset). */
public final class DatasetCatalog {
    private DatasetCatalog() {
    }

    /** Every dataset defined so far; definitions that do not parse are skipped. */
    public static Map<String, DatasetInfo> read(Properties clientProperties, Topics topics, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, DatasetInfo> datasets = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topics.datasets(), timeout);
            if (partitions == null || partitions.isEmpty()) {
                return datasets;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        datasets.remove(record.key());
                        continue;
                    }
                    try {
                        datasets.put(record.key(), DatasetInfo.fromJson(record.value()));
                    } catch (IllegalArgumentException ignored) {
                        // a definition written by something else: not ours to use
                    }
                }
            }
        }
        return datasets;
    }
}
