package io.streamaug.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultGateTest {
    private static final long S = 1_000_000_000L;

    @Test
    void progressCountsOnlyFromSamplesBegunAfterTheFault() {
        CommitProgress progress = new CommitProgress();
        progress.add(1 * S, 100, 50);
        progress.add(2 * S, 200, 50); // moved, but before the fault at 3 s
        assertThat(progress.since(3 * S)).isFalse();
        progress.add(3 * S, 250, 50); // begun at the fault: the baseline, not yet progress
        assertThat(progress.since(3 * S)).as("a commit that landed between the last sample and the fault").isFalse();
        progress.add(4 * S, 250, 80);
        assertThat(progress.since(3 * S)).as("no commit since the fault").isFalse();
        progress.add(5 * S, 251, 80);
        assertThat(progress.since(3 * S)).isTrue();
        assertThat(progress.since(6 * S)).as("nothing sampled after 6 s yet").isFalse();
    }

    @Test
    void nothingWaitingIsNoStallSoItCountsAsProgress() {
        CommitProgress progress = new CommitProgress();
        progress.add(1 * S, 500, 0);
        assertThat(progress.since(1 * S)).isTrue();
        assertThat(progress.since(2 * S)).isFalse();
    }

    @Test
    void aFaultWaitsUntilTheApplicationCommitsAgain() throws Exception {
        CommitProgress progress = new CommitProgress();
        long fault = System.nanoTime();
        progress.add(fault, 10, 5);
        Thread commits = new Thread(() -> {
            try {
                Thread.sleep(400);
                progress.add(System.nanoTime(), 11, 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        commits.start();
        FaultGate gate = new FaultGate(progress::since, Duration.ofSeconds(10));
        assertThat(gate.await(fault)).isTrue();
        commits.join();
        assertThat(gate.waits()).isEqualTo(1);
        assertThat(gate.waitedSeconds()).isBetween(0.3, 5.0);
        assertThat(gate.timedOut()).isZero();
        // progress is already there for the next fault: it goes at once, and is not counted as a wait
        assertThat(gate.await(fault)).isTrue();
        assertThat(gate.waits()).isEqualTo(1);
    }

    @Test
    void aFaultGoesOnAfterTheLimitWithoutProgress() throws Exception {
        CommitProgress progress = new CommitProgress();
        long fault = System.nanoTime();
        progress.add(fault, 10, 5);
        FaultGate gate = new FaultGate(progress::since, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(gate.await(fault)).isFalse();
        assertThat((System.nanoTime() - start) / 1e9).isBetween(0.3, 5.0);
        assertThat(gate.waits()).isEqualTo(1);
        assertThat(gate.timedOut()).isEqualTo(1);
        assertThat(gate.waitedSeconds()).isGreaterThanOrEqualTo(0.3);
    }
}
