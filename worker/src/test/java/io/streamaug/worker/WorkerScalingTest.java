package io.streamaug.worker;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.worker.produce.ImageProducer;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.ConsumerLag;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Horizontal scaling on a real broker: instances share partitions, output is exactly once and identical. */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerScalingTest {
    private static final String SPEC = "{seed: 9, repeats: 2, ops: [{op: RandomCrop, size: 28, padding: 2},"
            + " {op: HorizontalFlip, p: 0.5}, {op: Rotate, angle_range: 10, p: 0.5}, {op: GaussianNoise, sigma_range: [0, 0.05], p: 0.5}],"
            + " normalize: {mean: [0.286], std: [0.353]}}";

    @Test
    void twoInstancesShareSixPartitionsExactlyOnceAndGiveTheSameBytesAsOne(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics one = kafka.freshTopics("oneworker");
        Topics two = kafka.freshTopics("twoworkers");
        run(kafka, one, "one-" + System.nanoTime(), 1, dir);
        run(kafka, two, "two-" + System.nanoTime(), 2, dir);

        Map<String, byte[]> single = readPrepared(kafka, one);
        Map<String, byte[]> shared = readPrepared(kafka, two);
        // 1980 train images × 2 epochs × 2 repeats, 220 val, 1000 test: each (id, epoch, repeat) exactly once.
        assertThat(shared).hasSize(1980 * 2 * 2 + 220 + 1000);
        assertThat(single).hasSameSizeAs(shared);
        for (var entry : single.entrySet()) {
            assertThat(shared.get(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
        }
    }

    private static int produce(TestKafka kafka, Topics topics) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
            return new ImageProducer(producer, topics).produce(FashionMnist.load(null, true, 2200),
                    new ImageProducer.Plan("fm", 0.1, 4, 2)).total();
        }
    }

    /**
     * Starts {@code instances} workers with one application id, waits until the partitions are
     * shared among them, produces the input, and waits until it is fully processed.
     */
    private static void run(TestKafka kafka, Topics topics, String applicationId, int instances, Path dir) throws Exception {
        PipelineSpec spec = new SpecLoader(List.of()).parse(SPEC, "test");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(6));
        }
        List<AugmentWorker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                workers.add(WorkerSetup.of(kafka.clientProperties(), topics, applicationId,
                        Files.createTempDirectory(dir, "state"), spec, spec.normalization()).build().start());
            }
            long assigned = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!workers.stream().allMatch(w -> w.streams().metadataForLocalThreads().stream()
                    .anyMatch(thread -> !thread.activeTasks().isEmpty()))
                    || workers.stream().mapToLong(w -> w.streams().metadataForLocalThreads().stream()
                            .mapToLong(thread -> thread.activeTasks().size()).sum()).sum() != 6) {
                assertThat(System.nanoTime()).as("the instances shared the six partitions in time").isLessThan(assigned);
                Thread.sleep(200);
            }
            assertThat(produce(kafka, topics)).isGreaterThan(5000);
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (ConsumerLag.of(admin, applicationId, topics.rawImages()) > 0) {
                    assertThat(System.nanoTime()).as("workers caught up in time").isLessThan(deadline);
                    for (AugmentWorker worker : workers) {
                        assertThat(worker.failure()).isNull();
                    }
                    Thread.sleep(200);
                }
            }
        } finally {
            workers.forEach(AugmentWorker::close);
        }
    }

    /** Every prepared record, read committed, keyed by split/id/epoch/repeat; a duplicate fails the test. */
    private static Map<String, byte[]> readPrepared(TestKafka kafka, Topics topics) {
        Map<String, byte[]> out = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readToEnd(Duration.ofSeconds(60),
                topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest())) {
            PreparedSample sample = PreparedCodec.decode(record.value());
            String key = sample.split() + "/" + sample.id() + "/" + sample.epoch() + "/" + sample.repeat();
            byte[] previous = out.put(key, record.value());
            assertThat(previous).as("duplicate " + key).isNull();
            assertThat(record.key()).isEqualTo(sample.id());
        }
        return out;
    }
}
