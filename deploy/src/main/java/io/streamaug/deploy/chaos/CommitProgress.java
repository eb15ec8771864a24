package io.streamaug.deploy.chaos;

import java.util.ArrayDeque;

/**
 * The application's committed input, sample by sample, as {@link StallMonitor} sees it: whether it
 * has moved since a given moment. Each sample is stamped with the time it began, so that a sample
 * counts as "after" a moment only when all of it was read after that moment.
 */
final class CommitProgress {
    /** Samples kept: at two a second, the last eight minutes or so. */
    private static final int KEPT = 1_000;

    /** Oldest first: when the sample began (nanoTime), the committed offsets' sum, the input waiting. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    synchronized void add(long at, long committed, long waiting) {
        samples.addLast(new long[] {at, committed, waiting});
        if (samples.size() > KEPT) {
            samples.removeFirst();
        }
    }

    /**
     * Whether the application has made progress since {@code since} (nanoTime), in samples begun
     * at or after it: its committed offsets grew from the first such sample to a later one, or no
     * input was waiting (nothing to commit, so nothing stalled).
     */
    synchronized boolean since(long since) {
        long baseline = -1;
        for (long[] sample : samples) {
            if (sample[0] < since) {
                continue;
            }
            if (sample[2] == 0 || baseline >= 0 && sample[1] > baseline) {
                return true;
            }
            if (baseline < 0) {
                baseline = sample[1];
            }
        }
        return false;
    }
}
