package io.streamaug.augment;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The one source of randomness of augmentation: a generator derived from (pipeline seed, sample id,
 * epoch, repeat) alone, so the same record gives bit-identical output on any thread, worker or
 * machine, and any record can be replayed.
 */
public final class SampleRandom {
    private SampleRandom() {
    }

    /** A fresh generator for one (sample, epoch, repeat). */
    public static SplittableRandom forSample(long seed, String sampleId, int epoch, int repeat) {
        long h = mix(seed ^ 0x5DEECE66DL);
        h = mix(h ^ fnv1a(sampleId));
        h = mix(h ^ ((long) epoch << 32 | (repeat & 0xffffffffL)));
        return new SplittableRandom(h);
    }

    private static long fnv1a(String s) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64's finaliser: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
