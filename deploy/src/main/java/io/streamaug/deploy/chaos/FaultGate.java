package io.streamaug.deploy.chaos;

import java.time.Duration;
import java.util.function.LongPredicate;

/**
 * The worker timeline's rule that each fault hits a running application: before a fault, wait
 * until the application has committed progress since the previous one, so that the stall a fault
 * causes is its own and not the sum of two; after {@code limit}, go on anyway. Counts the faults
 * that had to wait, the time they waited, and those that gave up.
 */
final class FaultGate {
    private static final long POLL_MILLIS = 100;

    private final LongPredicate progressedSince;
    private final Duration limit;
    private int waits;
    private int timedOut;
    private long waitedNanos;

    /**
     * @param progressedSince whether the application has made progress since a moment (nanoTime)
     * @param limit           the longest a fault waits
     */
    FaultGate(LongPredicate progressedSince, Duration limit) {
        this.progressedSince = progressedSince;
        this.limit = limit;
    }

    /**
     * Returns once the application has made progress since {@code since} (nanoTime), or after the
     * limit: {@code true} in the first case, {@code false} in the second.
     */
    boolean await(long since) throws InterruptedException {
        long start = System.nanoTime();
        if (progressedSince.test(since)) {
            return true;
        }
        boolean progressed;
        while (!(progressed = progressedSince.test(since)) && System.nanoTime() - start < limit.toNanos()) {
            Thread.sleep(POLL_MILLIS);
        }
        synchronized (this) {
            waits++;
            waitedNanos += System.nanoTime() - start;
            if (!progressed) {
                timedOut++;
            }
        }
        return progressed;
    }

    /** Faults that had to wait. */
    synchronized int waits() {
        return waits;
    }

    /** Seconds waited in all. */
    synchronized double waitedSeconds() {
        return waitedNanos / 1e9;
    }

    /** Faults that waited the whole limit and went on without seeing progress. */
    synchronized int timedOut() {
        return timedOut;
    }
}
