package io.streamaug.trainer.source;

import io.streamaug.core.wire.PreparedSample;

/** A decoded sample with where it came from, so a checkpoint can store it and the audit can count it. */
public record Buffered(int partition, long offset, byte[] value, PreparedSample sample) {
    /** A 64-bit mix of (partition, offset); their sum over trained records fingerprints the set trained. */
    public long fingerprint() {
        long z = ((long) partition << 48) ^ offset;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
