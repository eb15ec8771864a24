package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The augment worker as an operator runs it: its own JVM with the command line's logging
 * configuration, started in a working directory of its own and stopped with SIGTERM.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WorkerProcessTest {
    private static final int BAD = 40;

    @Test
    void aBadBatchLogsOneLinePerRecordAndSigtermStopsTheWorkerCleanly(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics topics = kafka.freshTopics("workerproc");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(2));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < BAD; i++) { // no dataset header: each is refused by the worker's first stage
                producer.send(new ProducerRecord<>(topics.rawImages(), "bad-" + i, new byte[] {1, 2, 3}));
            }
        }
        Path work = Files.createDirectory(dir.resolve("work"));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path log = dir.resolve("worker.log");
        Process worker = ChildJvm.main(StreamaugCli.class).heap("512m")
                // The command line's logging (not the tests'), Kafka at its default level; a temp dir
                // of its own, to see that the worker leaves nothing there.
                .jvmOptions("-Dlog4j2.configurationFile=log4j2.xml", "-Djava.io.tmpdir=" + tmp)
                .args("augment", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(),
                        "--application-id", "workerproc-" + System.nanoTime(), "--spec", "fashion-mnist",
                        "--mean", "0.286", "--std", "0.353", // pinned: no stats job in this test
                        "--text-spec", "none", "--progress-every", "0")
                .workingDirectory(work).logTo(log).start();
        try {
            assertThat(kafka.readCommitted(BAD, Duration.ofSeconds(120), topics.dlq()))
                    .as("dead letters; the worker's log: %s", Files.readString(log)).hasSize(BAD);
            assertThat(worker.isAlive()).as("worker alive; its log: %s", Files.readString(log)).isTrue();

            long stopping = System.nanoTime();
            int exit = ChildJvm.stop(worker, Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - stopping) / 1e9;
            String output = Files.readString(log);
            assertThat(exit).as("exit status; log: %s", output).isIn(0, 130, 143);
            assertThat(seconds).as("seconds to stop").isLessThan(10);

            List<String> lines = output.lines().toList();
            assertThat(lines.stream().filter(l -> l.contains("dead letter bad-"))).hasSize(BAD)
                    .allMatch(l -> l.contains("WARN") && l.contains("stage ") && l.contains(topics.rawImages()));
            assertThat(lines).as("no stack frames, no Kafka warnings by default")
                    .noneMatch(l -> l.startsWith("\tat ") || l.strip().startsWith("at org.") || l.contains("Exception caught"));
            assertThat(output).contains("stopping").contains("stopped");
            // one line, after its first commit, saying how long the worker took to get there and where the time went
            assertThat(lines.stream().filter(l -> l.startsWith("augment worker ready in"))).singleElement().asString()
                    .matches("augment worker ready in \\d+\\.\\d s \\(its first commit\\): JVM and command line \\d+\\.\\d s, "
                            + "specs \\d+\\.\\d s, Kafka checks .*, first records to first commit \\d+\\.\\d s; "
                            + "inside or beside them: .*OpenCV.*");

            assertThat(work.resolve(".streamaug/state")).as("state kept in the working directory").isDirectory();
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.toList()).as("left in the temp dir").isEmpty();
            }
        } finally {
            ChildJvm.kill(worker);
        }
    }
}
