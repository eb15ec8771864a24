package io.streamaug.kafka;

import io.streamaug.core.DatasetStats;
import io.streamaug.core.DatasetInfo;
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

/** Reads the compacted metadata topics: dataset definitions and training-set statistics (latest value per dataset). */
public final class DatasetCatalog {
    private DatasetCatalog() {
    }

    /** Every dataset defined so far; definitions that do not parse are skipped. */
    public static Map<String, DatasetInfo> read(Properties clientProperties, Topics topics, Duration timeout) {
        Map<String, DatasetInfo> datasets = new HashMap<>();
        readLatest(clientProperties, topics.datasets(), timeout).forEach((name, json) -> {
            try {
                datasets.put(name, DatasetInfo.fromJson(json));
            } catch (IllegalArgumentException ignored) {
                // a definition written by something else: not ours to use
            }
        });
        return datasets;
    }

    /** The latest statistics of every dataset on the stats topic. */
    public static Map<String, DatasetStats> readStats(Properties clientProperties, Topics topics, Duration timeout) {
        Map<String, DatasetStats> stats = new HashMap<>();
        readLatest(clientProperties, topics.stats(), timeout).forEach((name, json) -> {
            try {
                stats.put(name, DatasetStats.fromJson(json));
            } catch (IllegalArgumentException ignored) {
                // not a statistics record of ours
            }
        });
        return stats;
    }

    /** The latest value per key of a (compacted) topic, read from its start to the end offsets found first. */
    static Map<String, byte[]> readLatest(Properties clientProperties, String topic, Duration timeout) {
        Properties props = KafkaOptions.readerProperties(clientProperties);
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return latest;
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
                        latest.remove(record.key());
                    } else {
                        latest.put(record.key(), record.value());
                    }
                }
            }
        }
        return latest;
    }
}
