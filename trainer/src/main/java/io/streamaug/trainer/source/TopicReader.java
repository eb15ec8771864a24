package io.streamaug.trainer.source;

import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.wire.MalformedRecordException;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Group-less, read-committed reads of a whole topic from its start, for evaluation (val or test)
 * and the overfit check: no offsets are kept or committed, unlike the trainer's {@link RecordSource}.
 */
public final class TopicReader {
    private TopicReader() {
    }

    /** A group-less, read-committed reader of prepared records, for reading a topic from its start. */
    static Properties readerProperties(Properties clientProperties) {
        Properties props = KafkaOptions.readerProperties(clientProperties);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * Hands every record of {@code topic}, from its start to the end offsets found when the read
     * begins, to {@code each}.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout} ("{@code what} on TOPIC did not finish …")
     */
    public static void readToEnd(Properties clientProperties, String topic, Duration timeout, String what,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readerProperties(clientProperties))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + " on " + topic + " did not finish within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
            }
        }
    }

    /**
     * The first {@code count} decodable samples of {@code topic} that are {@code wanted}, or fewer
     * when the topic ends or 60 seconds pass first.
     */
    public static List<PreparedSample> first(Properties clientProperties, String topic, int count,
            Predicate<PreparedSample> wanted) {
        List<PreparedSample> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readerProperties(clientProperties))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < count && System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        PreparedSample sample = PreparedCodec.decode(record.value());
                        if (wanted.test(sample) && out.size() < count) {
                            out.add(sample);
                        }
                    } catch (MalformedRecordException | IllegalArgumentException e) {
                        // not a usable sample
                    }
                }
            }
        }
        return out;
    }
}
