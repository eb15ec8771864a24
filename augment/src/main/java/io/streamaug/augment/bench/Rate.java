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

    /**
     * Median rates of several bodies measured in interleaved rounds (a, b, c, a, b, c, …), so that
     * the machine's changing load falls on all of them alike and their ratios stay comparable.
     */
    static java.util.Map<String, Double> interleaved(java.util.Map<String, Runnable> bodies, int rounds, long roundMillis) {
        bodies.values().forEach(body -> timedRound(body, roundMillis)); // warm-up
        java.util.Map<String, double[]> rates = new java.util.LinkedHashMap<>();
        bodies.keySet().forEach(name -> rates.put(name, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (var entry : bodies.entrySet()) {
                rates.get(entry.getKey())[r] = timedRound(entry.getValue(), roundMillis);
            }
        }
        java.util.Map<String, Double> medians = new java.util.LinkedHashMap<>();
        rates.forEach((name, values) -> {
            Arrays.sort(values);
            medians.put(name, values[rounds / 2]);
        });
        return medians;
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
