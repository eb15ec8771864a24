package io.streamaug.trainer.source;

/**
 * What a run has trained, as a checkpoint records it: the count of records and the sum of their
 * {@link Buffered#fingerprint() fingerprints}. A resumed run that continues the sums ends with the
 * figures of a run never stopped exactly when it trained the same records once each, in any order.
 */
public final class Audit {
    private long count;
    private long fingerprint;

    public Audit() {
        this(0, 0);
    }

    /** An audit continuing a checkpoint's figures. */
    public Audit(long count, long fingerprint) {
        this.count = count;
        this.fingerprint = fingerprint;
    }

    public void add(Buffered trained) {
        count++;
        fingerprint += trained.fingerprint();
    }

    public long count() {
        return count;
    }

    public long fingerprint() {
        return fingerprint;
    }
}
