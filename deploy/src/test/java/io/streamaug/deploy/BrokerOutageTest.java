package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.KafkaCluster;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.kafka.ConsumerLag;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import io.streamaug.worker.produce.ImageProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under a running worker and a running trainer and comes back on the same
 * port: both say so every few seconds while they retry, resume on their own, and lose nothing —
 * every record is prepared exactly once and the trainer trains on all of them.
 */
class BrokerOutageTest {
    private static final Pattern UNREACHABLE = Pattern.compile(
            "broker 127\\.0\\.0\\.1:\\d+ unreachable for \\d+ s; retrying \\(nothing is lost: [^)]+\\)");

    @Test
    void aWorkerAndATrainerRideOutABrokerRestartAndLoseNothing(@TempDir Path dir) throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start(dir.resolve("kafka"), 1, 0, Map.of())) {
            TestKafka kafka = new TestKafka(cluster.bootstrapServers());
            Topics topics = kafka.freshTopics("outage");
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                topics.ensure(admin, TopicLayout.of(2));
            }
            String name = "outage";
            Path workerLog = dir.resolve("worker.log");
            Path trainerLog = dir.resolve("trainer.log");
            // The worker starts (a JVM takes a while) before the records come.
            Process worker = ChildJvm.main(StreamaugCli.class).heap("512m").args("augment",
                    "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(), "--application-id", name,
                    "--spec", "fashion-mnist", "--mean", "0.2860", "--std", "0.3530", "--text-spec", "none",
                    "--progress-every", "2", "--state-dir", Files.createDirectory(dir.resolve("state")).toString())
                    .logTo(workerLog).start();
            // The trainer starts once the producer has defined the dataset, while it produces.
            java.util.concurrent.CompletableFuture<Integer> production = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
                    return new ImageProducer(producer, topics).produce(FashionMnist.load(null, true, 3000),
                            new ImageProducer.Plan("fm", 0.1, 5, 1)).total();
                }
            });
            while (!DatasetCatalog.read(kafka.clientProperties(), topics, Duration.ofSeconds(10)).containsKey("fm")) {
                assertThat(production).isNotCompletedExceptionally();
                Thread.sleep(100);
            }
            // An idle timeout shorter than the outage: the time the broker is away must not end training.
            Process trainer = ChildJvm.main(StreamaugCli.class).heap("768m").args("train",
                    "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(), "--dataset", "fm",
                    "--name", name, "--runs", dir.resolve("runs").toString(), "--quiet", "--hidden", "16",
                    "--eval-every", "0", "--checkpoint-every", "0", "--idle-timeout", "8")
                    .logTo(trainerLog).start();
            int produced = production.get(120, TimeUnit.SECONDS);
            try {
                String applicationId = topics.name(name);
                try (Admin admin = Admin.create(kafka.clientProperties())) {
                    // Stop the broker once the worker is under way and the trainer has trained a step (so
                    // that its idle timeout, shorter than the outage, would end it if it counted the outage).
                    long midway = System.currentTimeMillis() + 180_000;
                    while (ConsumerLag.of(admin, applicationId, topics.rawImages()) == produced
                            || !Files.readString(trainerLog).contains("first loss")) {
                        assertThat(trainer.isAlive()).as("trainer alive; its log: %s", Files.readString(trainerLog)).isTrue();
                        assertThat(worker.isAlive()).as("worker alive; its log: %s", Files.readString(workerLog)).isTrue();
                        assertThat(System.currentTimeMillis()).as("the worker and trainer started in time; the worker's log: %s",
                                Files.readString(workerLog)).isLessThan(midway);
                        Thread.sleep(100);
                    }
                }
                cluster.stop(1);
                long stopped = System.nanoTime();
                while (!UNREACHABLE.matcher(Files.readString(workerLog)).find()
                        || !UNREACHABLE.matcher(Files.readString(trainerLog)).find()) {
                    assertThat(System.nanoTime() - stopped).as("both said the broker is unreachable within 15 s; worker: %s\ntrainer: %s",
                            Files.readString(workerLog), Files.readString(trainerLog)).isLessThan(TimeUnit.SECONDS.toNanos(15));
                    Thread.sleep(200);
                }
                Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(10) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped)));
                assertThat(worker.isAlive()).as("the worker waits for the broker: %s", Files.readString(workerLog)).isTrue();
                assertThat(trainer.isAlive()).as("the trainer waits for the broker: %s", Files.readString(trainerLog)).isTrue();
                cluster.restart(1);

                Set<String> seen = new HashSet<>();
                int train = 0;
                for (ConsumerRecord<String, byte[]> record : kafka.readCommitted(produced, Duration.ofSeconds(90),
                        topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest())) {
                    PreparedSample s = PreparedCodec.decode(record.value());
                    String key = s.split() + "/" + s.id() + "/" + s.epoch() + "/" + s.repeat();
                    assertThat(seen.add(key)).as("duplicate %s", key).isTrue();
                    train += record.topic().equals(topics.augmentedTrain()) ? 1 : 0;
                }
                assertThat(seen).as("every record prepared exactly once").hasSize(produced);

                assertThat(trainer.waitFor(90, TimeUnit.SECONDS)).as("the trainer ends on its idle timeout").isTrue();
                String trained = Files.readString(trainerLog);
                assertThat(trainer.exitValue()).as(trained).isZero();
                assertThat(trained).as("the trainer trained on every train record").contains("samples: " + train + "\n");
                assertThat(UNREACHABLE.matcher(trained).results().count()).as(trained).isGreaterThanOrEqualTo(1);

                String worked = Files.readString(workerLog);
                Matcher lines = UNREACHABLE.matcher(worked);
                assertThat(lines.results().count()).as("a line every 5 s while away: %s", worked).isGreaterThanOrEqualTo(2);
                assertThat(worked).contains("reachable again; resuming").as("the progress line comes back")
                        .containsPattern("(?s)reachable again.*records processed");
                assertThat(worker.isAlive()).as(worked).isTrue();
            } finally {
                ChildJvm.kill(worker);
                ChildJvm.kill(trainer);
            }
        }
    }
}
