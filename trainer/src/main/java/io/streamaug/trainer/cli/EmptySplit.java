package io.streamaug.trainer.cli;

import io.streamaug.core.Split;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.Topics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Why a prepared split holds no records of a dataset: the producer made no such split, nothing of
 * the dataset was produced, or the workers have not prepared what was. It counts the dataset's raw
 * records by split header, reading the raw topic once (only on this error path).
 */
final class EmptySplit {
    private EmptySplit() {
    }

    /** The one line saying which split is empty and why, with the command that fixes it. */
    static String explain(Properties client, Topics topics, String dataset, Split split, String preparedTopic, boolean text,
            String flags) {
        String raw = text ? topics.rawText() : topics.rawImages();
        Map<Split, Long> counts = rawCounts(client, raw, dataset);
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        String head = "topic " + preparedTopic + " holds no records of dataset " + dataset + ": ";
        if (total == 0) {
            return head + raw + " holds none either; produce it first ('./streamaug produce " + (text ? "text" : "images")
                    + " --data " + (text ? "FILE" : "DIR") + " --dataset " + dataset + flags + "')";
        }
        String census = raw + " holds " + counts.get(Split.TRAIN) + " train, " + counts.get(Split.VAL) + " val and "
                + counts.get(Split.TEST) + " test records of it";
        if (counts.get(split) == 0) {
            String flag = split == Split.VAL ? "--val-fraction" : "--test-fraction";
            return head + "the producer made no " + split.wireName() + " split (" + census + "); re-produce with " + flag
                    + " 0.2, or evaluate on the other split with --split " + (split == Split.VAL ? "test" : "val");
        }
        return head + "the augment workers have not prepared its " + counts.get(split) + " " + split.wireName()
                + " records yet (" + census + "); start './streamaug augment" + (text ? "" : " --spec SPEC --dataset " + dataset)
                + flags + "' and look at "
                + topics.dlq() + " for records they rejected";
    }

    private static Map<Split, Long> rawCounts(Properties client, String topic, String dataset) {
        Properties props = KafkaOptions.readerProperties(client);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        Map<Split, Long> counts = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            counts.put(split, 0L);
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))
                            || !dataset.equals(RawHeaders.get(record.headers(), RawHeaders.DATASET))
                            || !"0".equals(epoch(record))) {
                        continue;
                    }
                    String split = RawHeaders.get(record.headers(), RawHeaders.SPLIT);
                    try {
                        counts.merge(split == null ? Split.TRAIN : Split.parse(split), 1L, Long::sum);
                    } catch (IllegalArgumentException e) {
                        // not a split: the workers dead-letter it
                    }
                }
            }
        }
        return counts;
    }

    private static String epoch(ConsumerRecord<String, byte[]> record) {
        String epoch = RawHeaders.get(record.headers(), RawHeaders.EPOCH);
        return epoch == null ? "0" : epoch;
    }
}
