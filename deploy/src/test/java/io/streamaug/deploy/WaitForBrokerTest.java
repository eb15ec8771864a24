package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --wait-for-broker}: a command started before its broker waits for it, saying so, and fails in time when none comes. */
class WaitForBrokerTest {

    @Test
    void aCommandStartedBeforeItsBrokerWaitsAndThenWorks(@TempDir Path dir) throws Exception {
        int port = freePort();
        CompletableFuture<EmbeddedKafkaBroker> broker = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(4000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return EmbeddedKafkaBroker.start(dir.resolve("broker"), port, Map.of());
        });
        try {
            CliTest.Outcome outcome = CliTest.run("topics", "--bootstrap", "127.0.0.1:" + port, "--wait-for-broker", "90s");
            assertThat(outcome.code()).as(outcome.err()).isZero();
            assertThat(outcome.err()).contains("waiting for Kafka at 127.0.0.1:" + port + ": no answer yet");
        } finally {
            broker.get(120, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void withNoBrokerItGivesUpAfterTheWaitInOneLine() {
        long started = System.nanoTime();
        CliTest.Outcome outcome = CliTest.run("topics", "--bootstrap", "127.0.0.1:1", "--wait-for-broker", "3s");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().lines().filter(l -> !l.startsWith("waiting for Kafka"))).as(outcome.err()).hasSize(1);
        assertThat(outcome.err()).contains("cannot reach Kafka at 127.0.0.1:1 after waiting").contains("--wait-for-broker 3s");
        assertThat(seconds).as("waited at least the 3 s asked, and not much longer").isBetween(3.0, 30.0);
    }

    @Test
    void aBadDurationIsOneLine() {
        CliTest.Outcome outcome = CliTest.run("topics", "--bootstrap", "127.0.0.1:1", "--wait-for-broker", "soon");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).contains("--wait-for-broker: 'soon' is not a duration; e.g. 90s, 5m or 1h");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
