package io.streamaug.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.deploy.chaos.ChaosSchedule.Event;
import io.streamaug.deploy.chaos.ChaosSchedule.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelinePlayerTest {
    @Test
    void eachFaultWaitsForACommitSinceThePreviousOneAndALateFaultDelaysNoOther() throws Exception {
        CommitProgress progress = new CommitProgress();
        long phaseStart = System.nanoTime();
        progress.add(phaseStart, 0, 5);
        progress.add(phaseStart + 1, 1, 5); // the workers' first commit: the first fault may go
        List<Event> timeline = List.of(new Event(0.1, Kind.WORKER_KILL, 0), new Event(0.2, Kind.WORKER_KILL, 0),
                new Event(0.3, Kind.WORKER_KILL, 0), new Event(3.0, Kind.WORKER_KILL, 0));
        List<Double> carriedOut = Collections.synchronizedList(new ArrayList<>());
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        FaultGate gate = new FaultGate(progress::since, Duration.ofSeconds(30));

        Thread player = TimelinePlayer.start("test-faults", timeline, phaseStart, gate,
                event -> carriedOut.add(seconds(phaseStart)), (format, args) -> said.add(String.format(format, args)));
        // the application commits again 0.6 s, 1.2 s and 1.8 s after the phase began
        for (double at : new double[] {0.6, 1.2, 1.8}) {
            sleepUntil(phaseStart, at);
            long now = System.nanoTime();
            progress.add(now, (long) (at * 100), 5);
            progress.add(now + 1, (long) (at * 100) + 1, 5);
        }
        player.join(10_000);

        assertThat(carriedOut).hasSize(4);
        assertThat(carriedOut.get(0)).as("the first fault, on time").isBetween(0.1, 0.5);
        assertThat(carriedOut.get(1)).as("the second waits for the commit at 0.6 s").isBetween(0.6, 1.15);
        assertThat(carriedOut.get(2)).as("the third, due long before, waits for the commit at 1.2 s").isBetween(1.2, 1.75);
        assertThat(carriedOut.get(3)).as("the fourth keeps its time: the waits before it do not push it").isBetween(3.0, 3.5);
        assertThat(gate.waits()).isEqualTo(2);
        assertThat(gate.waitedSeconds()).isBetween(0.8, 2.0);
        assertThat(gate.timedOut()).isZero();
        assertThat(said).hasSize(2).allSatisfy(line -> assertThat(line).contains("waited").contains("since the previous fault"));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void sleepUntil(long start, double seconds) throws InterruptedException {
        long wait = start + (long) (seconds * 1e9) - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
