package io.streamaug.trainer.source;

import io.streamaug.core.wire.OpTrace;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a run has trained, as a checkpoint records it: the count of records and the sum of their
 * {@link Buffered#fingerprint() fingerprints}, and the augmentation ops named in their traces. A
 * resumed run that continues the sums ends with the figures of a run never stopped exactly when it
 * trained the same records once each, in any order.
 */
public final class Audit {
    private long count;
    private long fingerprint;
    private final SortedSet<String> ops = new TreeSet<>();

    public Audit() {
        this(0, 0, List.of());
    }

    /** An audit continuing a checkpoint's figures. */
    public Audit(long count, long fingerprint, Collection<String> ops) {
        this.count = count;
        this.fingerprint = fingerprint;
        this.ops.addAll(ops);
    }

    public void add(Buffered trained) {
        count++;
        fingerprint += trained.fingerprint();
        if (trained.sample() != null) {
            for (OpTrace op : trained.sample().trace()) {
                ops.add(op.op());
            }
        }
    }

    /** The ops named in the traces of the records trained, sorted. */
    public List<String> ops() {
        return List.copyOf(ops);
    }

    public long count() {
        return count;
    }

    public long fingerprint() {
        return fingerprint;
    }
}
