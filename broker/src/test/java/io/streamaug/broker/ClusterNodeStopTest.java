package io.streamaug.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.process.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A cluster node given Ctrl-C while it starts, as every node of {@code broker --nodes N} is from a terminal. */
class ClusterNodeStopTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void aNodeInterruptedWhileItStartsEndsAtOnceWithoutStackTraces(@TempDir Path dir) throws Exception {
        int controllerPort = EmbeddedKafkaBroker.freePort();
        Path log = dir.resolve("node.log");
        Process node = ChildJvm.main(EmbeddedKafkaBroker.class).heap("512m")
                .args(dir.toString(), "1", Integer.toString(EmbeddedKafkaBroker.freePort()), Integer.toString(controllerPort),
                        "1@127.0.0.1:" + controllerPort, "1")
                .logTo(log).start();
        try {
            // The metadata quorum's state written: the server is starting now.
            Path starting = dir.resolve("logs").resolve("__cluster_metadata-0").resolve("quorum-state");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.exists(starting)) {
                assertThat(node.isAlive()).as("node running; its log: %s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("starting in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(node.pid())).start().waitFor();

            assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("ended; its log: %s", Files.readString(log)).isTrue();
            assertThat(Files.readAllLines(log)).as("the node's log").noneMatch(line -> line.startsWith("\tat "));
        } finally {
            ChildJvm.kill(node);
        }
    }
}
