package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.process.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo as a user runs it, stopped with SIGTERM (what Ctrl-C sends, as SIGINT) in its longest stage. */
class DemoStopTest {

    @Test
    void aStoppedDemoShowedItsTrainingSaysItStopsRemovesItsTemporaryFilesAndKeepsTheLastReport(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path report = Files.createDirectories(work.resolve("report"));
        Files.writeString(report.resolve("index.html"), "the previous run's report");
        Path log = dir.resolve("demo.log");
        Process demo = ChildJvm.main(StreamaugCli.class).heap("1g")
                .jvmOptions("-Dlog4j2.configurationFile=log4j2.xml", "-Djava.io.tmpdir=" + tmp)
                .args("demo", "--quick", "--workers", "1", "--report", report.toString())
                .workingDirectory(work).logTo(log).start();
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!Files.readString(log).contains("augment workers (Kafka Streams")) {
                assertThat(demo.isAlive()).as("demo running; its output: %s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("the demo reached its workers and trainer in time").isLessThan(deadline);
                Thread.sleep(500);
            }
            // Stage 5 shows the trainer's progress: samples trained of the total, rate, ETA, data wait.
            java.util.regex.Pattern live = java.util.regex.Pattern.compile(
                    "train demo [\\d,]+/[\\d,]+ samples \\(\\d+%\\) at [\\d,.]+/s  loss .*  wait \\d+%.*");
            while (Files.readAllLines(log).stream().noneMatch(l -> live.matcher(l).matches())) {
                assertThat(demo.isAlive()).as("demo running; its output: %s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("the trainer's live line in time").isLessThan(deadline);
                Thread.sleep(500);
            }

            long stopping = System.nanoTime();
            ChildJvm.stop(demo, Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - stopping) / 1e9;
            String output = Files.readString(log);
            assertThat(output).as("output").contains("demo: stopping").contains("demo: stopped");
            assertThat(seconds).as("seconds to stop; output: %s", output).isLessThan(30);

            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("left in the temp dir")
                        .noneMatch(name -> name.startsWith("streamaug"));
            }
            try (Stream<Path> files = Files.list(report)) {
                assertThat(files.toList()).as("the report folder").containsExactly(report.resolve("index.html"));
            }
            assertThat(Files.readString(report.resolve("index.html"))).isEqualTo("the previous run's report");
            assertThat(work.resolve("report.partial")).doesNotExist();
        } finally {
            ChildJvm.kill(demo);
        }
    }
}
