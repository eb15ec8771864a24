package io.streamaug.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulStopTest {
    @Test
    void theHookStopsTheWorkThenWaitsForTheCommandToClose() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        GracefulStop stop = new GracefulStop(stopped::countDown, Duration.ofMinutes(5), "test-stop");
        Thread hook = new Thread(stop.hook()::run); // what the JVM would do on Ctrl-C
        hook.start();
        assertThat(stopped.await(10, TimeUnit.SECONDS)).as("the work is asked to stop").isTrue();
        hook.join(300);
        assertThat(hook.isAlive()).as("the hook holds the JVM until the command is done").isTrue();
        stop.close();
        hook.join(10_000);
        assertThat(hook.isAlive()).isFalse();
        assertThat(Runtime.getRuntime().removeShutdownHook(stop.hook())).as("closing removed the hook").isFalse();
    }

    @Test
    void aCommandThatEndsOnItsOwnOrFailsLeavesNoHookBehind() {
        GracefulStop stop = new GracefulStop(() -> { }, Duration.ofMinutes(1), "test-stop");
        try (stop) {
            throw new IllegalStateException("the run failed");
        } catch (IllegalStateException expected) {
            // as a refused resume does
        }
        assertThat(Runtime.getRuntime().removeShutdownHook(stop.hook())).isFalse();
    }

    @Test
    void theHookGivesUpAfterItsGrace() throws Exception {
        try (GracefulStop stop = new GracefulStop(() -> { }, Duration.ofMillis(50), "test-stop")) {
            Thread hook = new Thread(stop.hook()::run);
            hook.start();
            hook.join(10_000);
            assertThat(hook.isAlive()).isFalse();
        }
    }
}
