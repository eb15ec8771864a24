package io.streamaug.trainer.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.config.TrainConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The record source over Kafka's mock clients: offsets, dead letters, the buffer and the resume seek, no broker. */
class RecordSourceTest {
    private static final Topics TOPICS = new Topics("t");
    private static final TrainConfig CONFIG = TrainConfig.defaults().with(Map.of("name", "src", "dataset", Toy.DATASET,
            "shuffle_buffer", "4", "seed", "3"));

    private static MockConsumer<byte[], byte[]> consumer(int partitions) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        String topic = TOPICS.augmentedTrain();
        List<PartitionInfo> infos = new ArrayList<>();
        Map<TopicPartition, Long> begin = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(topic, p, Node.noNode(), new Node[0], new Node[0]));
            begin.put(new TopicPartition(topic, p), 0L);
        }
        consumer.updatePartitions(topic, infos);
        consumer.updateBeginningOffsets(begin);
        return consumer;
    }

    private static MockProducer<byte[], byte[]> dlq() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, byte[] value) {
        return new ConsumerRecord<>(TOPICS.augmentedTrain(), partition, offset, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                value);
    }

    @Test
    void readsThroughTheShuffleBufferKeepsOffsetsAndSendsUnusableRecordsToTheDeadLetterTopic() {
        MockConsumer<byte[], byte[]> consumer = consumer(1);
        MockProducer<byte[], byte[]> dlq = dlq();
        Random random = new Random(1);
        try (RecordSource source = new RecordSource(consumer, dlq, TOPICS, CONFIG, line -> { })) {
            source.seek();
            for (int i = 0; i < 10; i++) {
                consumer.addRecord(record(0, i, PreparedCodec.encode(Toy.sample(i, random))));
            }
            consumer.addRecord(record(0, 10, "garbage".getBytes(StandardCharsets.UTF_8)));
            PreparedSample other = new PreparedSample("o", "another", Split.TRAIN, 0, 0, 0, Toy.sample(0, random).payload(),
                    io.streamaug.core.wire.Label.of(0), List.of());
            consumer.addRecord(record(0, 11, PreparedCodec.encode(other)));
            consumer.addRecord(record(0, 12, PreparedCodec.encode(Toy.sample("late", 1, Split.TRAIN, 9, random))));
            List<Buffered> out = new ArrayList<>();
            source.read(sample -> { }, item -> {
                out.add(item);
                return true;
            }, () -> source.offsets().getOrDefault(0, 0L) >= 13, () -> 0);

            assertThat(out).hasSize(6); // 10 usable, 4 still buffered
            assertThat(source.buffered()).isEqualTo(4);
            assertThat(source.offsets()).isEqualTo(Map.of(0, 13L));
            assertThat(source.counts().statsVersion()).isZero();
            assertThat(source.counts().deadLetters()).isEqualTo(2); // the garbage and the other stats version
            assertThat(source.counts().otherDatasets()).isEqualTo(1);
            assertThat(dlq.history()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("k10", "k12");

            RecordSource.Position position = source.position(List.of(out.get(5)));
            assertThat(position.buffered()).hasSize(5);
            List<Buffered> drained = new ArrayList<>();
            source.drain(drained::add);
            List<Long> all = new ArrayList<>();
            out.forEach(b -> all.add(b.offset()));
            drained.forEach(b -> all.add(b.offset()));
            assertThat(all).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(all).isNotEqualTo(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)); // shuffled
        }
    }

    @Test
    void aRestoredSourceSeeksToItsOffsetsAndHandsOutWhatAnUninterruptedOneWould() {
        List<byte[]> values = new ArrayList<>();
        Random random = new Random(2);
        for (int i = 0; i < 12; i++) {
            values.add(PreparedCodec.encode(Toy.sample(i, random)));
        }
        List<Long> straight = readAll(null, values, 0);

        // Stop after 5 records have been handed out, keep the position, and go on in a new source.
        MockConsumer<byte[], byte[]> consumer = consumer(1);
        List<Long> first = new ArrayList<>();
        RecordSource.Position position;
        try (RecordSource source = new RecordSource(consumer, dlq(), TOPICS, CONFIG, line -> { })) {
            source.seek();
            for (int i = 0; i < values.size(); i++) {
                consumer.addRecord(record(0, i, values.get(i)));
            }
            source.read(s -> { }, item -> {
                first.add(item.offset());
                return first.size() < 5;
            }, () -> false, () -> 0);
            position = source.position(List.of());
        }
        assertThat(position.offsets().get(0)).isEqualTo(9L); // 5 handed out, 4 buffered
        List<Long> rest = readAll(position, values, position.offsets().get(0));
        List<Long> resumed = new ArrayList<>(first);
        resumed.addAll(rest);
        assertThat(resumed).isEqualTo(straight);
    }

    /** All records from {@code from} on through a source (restored from {@code position} when given), drained at the end. */
    private static List<Long> readAll(RecordSource.Position position, List<byte[]> values, long from) {
        MockConsumer<byte[], byte[]> consumer = consumer(1);
        List<Long> out = new ArrayList<>();
        try (RecordSource source = new RecordSource(consumer, dlq(), TOPICS, CONFIG, line -> { })) {
            if (position != null) {
                source.restore(position);
            }
            source.seek();
            TopicPartition tp = new TopicPartition(TOPICS.augmentedTrain(), 0);
            assertThat(consumer.position(tp)).isEqualTo(from);
            for (int i = (int) from; i < values.size(); i++) {
                consumer.addRecord(record(0, i, values.get(i)));
            }
            source.read(s -> { }, item -> out.add(item.offset()), () -> source.offsets().getOrDefault(0, 0L) >= values.size(),
                    () -> 0);
            source.drain(item -> out.add(item.offset()));
        }
        return out;
    }
}
