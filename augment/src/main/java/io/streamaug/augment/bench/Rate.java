package io.streamaug.augment.bench;

import java.util.Arrays;

/** Items per second of a body run in a loop: warm-up, then the median of several timed rounds. */
final class Rate {
    private Rate() {
    }

    /** The median rate over {@code rounds} rounds of about {@code roundMillis} each, after one warm-up round. */
    static double median(Runnable body, int rounds, long roundMillis) {
        timedRound(body, roundMillis); // warm-up: JIT, first allocations
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            rates[r] = timedRound(body, roundMillis);
        }
        Arrays.sort(rates);
        return rates[rounds / 2];
    }

    private static double timedRound(Runnable body, long roundMillis) {
        long deadline = System.nanoTime() + roundMillis * 1_000_000L;
        long start = System.nanoTime();
        long count = 0;
        long now;
        do {
            for (int i = 0; i < 16; i++) {
                body.run();
            }
            count += 16;
            now = System.nanoTime();
        } while (now < deadline);
        return count / ((now - start) / 1e9);
    }
}
