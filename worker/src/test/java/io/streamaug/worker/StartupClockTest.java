package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartupClockTest {
    @Test
    void phasesFollowOneAnotherFromTimeZeroAndPartsAreListedApart() throws Exception {
        StartupClock clock = new StartupClock(System.currentTimeMillis() - 1_500);
        clock.phase("JVM and command line");
        Thread.sleep(300);
        clock.phase("specs");
        clock.part("OpenCV", 700);
        assertThat(clock.time("dataset definitions", () -> "read")).isEqualTo("read");

        assertThat(clock.elapsed()).isBetween(1.8, 5.0);
        assertThat(clock.breakdown()).matches("JVM and command line 1\\.[5-9] s, specs 0\\.[3-9] s; "
                + "inside or beside them: OpenCV 0\\.7 s, dataset definitions 0\\.0 s");
    }

    @Test
    void aPhaseNamedTwiceAddsUp() {
        StartupClock clock = new StartupClock(System.currentTimeMillis());
        clock.part("state restore", 400);
        clock.part("state restore", 300);
        clock.phase("Kafka checks");
        assertThat(clock.breakdown()).matches("Kafka checks 0\\.\\d s; inside or beside them: state restore 0\\.7 s");
    }

    @Test
    void timeZeroIsThisProcessStart() {
        assertThat(StartupClock.sinceProcessStart().elapsed()).as("this test JVM has run for a while")
                .isGreaterThan(0.0).isLessThan(3_600.0);
    }
}
