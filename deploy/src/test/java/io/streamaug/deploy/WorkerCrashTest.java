package io.streamaug.deploy;

import io.streamaug.core.process.ChildJvm;
import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.worker.produce.ImageProducer;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.worker.AugmentWorker;
import io.streamaug.worker.WorkerSetup;
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
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

/** A worker JVM killed with SIGKILL mid-stream: the other finishes, and every record is still out exactly once. */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerCrashTest {

    @Test
    void aWorkerKilledMidStreamLosesAndDuplicatesNothing(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics topics = kafka.freshTopics("crash");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(6));
        }
        String name = "crash-" + System.nanoTime();
        String applicationId = topics.name(name); // the command puts --application-id behind the prefix
        List<String> fastFailover = List.of("--kafka", "session.timeout.ms=6000", "--kafka", "heartbeat.interval.ms=1000");
        Process child = ChildJvm.main(StreamaugCli.class).heap("512m").args("augment",
                "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(), "--application-id", name,
                "--spec", "fashion-mnist", "--mean", "0.2860", "--std", "0.3530", "--text-spec", "none", "--progress-every", "0",
                "--state-dir", Files.createDirectory(dir.resolve("child")).toString())
                .args(fastFailover).logTo(dir.resolve("child.log")).start();

        PipelineSpec spec = SpecLoader.resolve("fashion-mnist", List.of());
        Properties base = kafka.clientProperties();
        base.put("session.timeout.ms", "6000");
        base.put("heartbeat.interval.ms", "1000");
        try (AugmentWorker survivor = WorkerSetup.of(base, topics, applicationId, Files.createDirectory(dir.resolve("parent")),
                spec, Normalization.FASHION_MNIST).build().start();
                Admin admin = Admin.create(kafka.clientProperties())) {
            // Wait until the child holds some of the six partitions (the survivor then holds fewer than six).
            long shared = System.currentTimeMillis() + 90_000;
            while (activeTasks(survivor) == 0 || activeTasks(survivor) == 6) {
                assertThat(child.isAlive()).as("child worker alive; its log: %s", Files.readString(dir.resolve("child.log"))).isTrue();
                assertThat(System.currentTimeMillis()).as("the two workers shared the partitions in time").isLessThan(shared);
                Thread.sleep(200);
            }
            int produced;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
                produced = new ImageProducer(producer, topics).produce(FashionMnist.load(null, true, 3000),
                        new ImageProducer.Plan("fm", 0.1, 5, 2)).total();
            }
            // Kill the child while it is busy: once about a third of the input is processed.
            long midway = System.currentTimeMillis() + 60_000;
            while (ConsumerLag.of(admin, applicationId, topics.rawImages()) > produced * 2L / 3) {
                assertThat(System.currentTimeMillis()).isLessThan(midway);
                Thread.sleep(50);
            }
            ChildJvm.kill(child); // SIGKILL: no clean shutdown, an open transaction left behind
            long done = System.currentTimeMillis() + 180_000;
            while (ConsumerLag.of(admin, applicationId, topics.rawImages()) > 0) {
                assertThat(survivor.failure()).isNull();
                assertThat(System.currentTimeMillis()).as("the survivor finished in time").isLessThan(done);
                Thread.sleep(200);
            }
            assertThat(activeTasks(survivor)).isEqualTo(6);
            // 2700 train × 2 epochs + 300 val + 1000 test, each (split, id, epoch, repeat) exactly once.
            assertThat(produced).isEqualTo(2700 * 2 + 300 + 1000);
            // The killed worker's open transaction holds back read-committed readers until the broker
            // aborts it (transaction timeout); then the survivor's output behind it becomes visible.
            Set<String> seen = readCommittedOnce(kafka, topics, produced);
            assertThat(seen).hasSize(produced);
        } finally {
            ChildJvm.kill(child);
        }
    }

    private static long activeTasks(AugmentWorker worker) {
        return worker.streams().metadataForLocalThreads().stream().mapToLong(t -> t.activeTasks().size()).sum();
    }

    private static Set<String> readCommittedOnce(TestKafka kafka, Topics topics, int expected) {
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : kafka.readCommitted(expected, Duration.ofSeconds(90),
                topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest())) {
            PreparedSample s = PreparedCodec.decode(record.value());
            String key = s.split() + "/" + s.id() + "/" + s.epoch() + "/" + s.repeat();
            assertThat(seen.add(key)).as("duplicate %s", key).isTrue();
        }
        return seen;
    }
}
