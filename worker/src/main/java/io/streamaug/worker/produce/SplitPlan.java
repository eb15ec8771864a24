package io.streamaug.worker.produce;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded choices of the producer: which training items become validation, and each epoch's order. */
final class SplitPlan {
    private SplitPlan() {
    }

    /** For each of {@code n} items, whether it goes to validation: exactly round(n · fraction), chosen by seed. */
    static boolean[] validationMask(int n, double fraction, long seed) {
        int[] order = shuffled(n, new SplittableRandom(seed));
        boolean[] val = new boolean[n];
        int count = (int) Math.round(n * fraction);
        for (int i = 0; i < count; i++) {
            val[order[i]] = true;
        }
        return val;
    }

    /**
     * The split of each of {@code n} items: round(n · testFraction) test and round(n · valFraction)
     * val items chosen by seed, the rest train.
     */
    static io.streamaug.core.Split[] assign(int n, double valFraction, double testFraction, long seed) {
        int[] order = shuffled(n, new SplittableRandom(seed));
        io.streamaug.core.Split[] splits = new io.streamaug.core.Split[n];
        java.util.Arrays.fill(splits, io.streamaug.core.Split.TRAIN);
        int test = (int) Math.round(n * testFraction);
        int val = (int) Math.round(n * valFraction);
        for (int i = 0; i < test + val && i < n; i++) {
            splits[order[i]] = i < test ? io.streamaug.core.Split.TEST : io.streamaug.core.Split.VAL;
        }
        return splits;
    }

    /**
     * The split of the item named {@code key}, from a seeded hash of the key alone: a uniform
     * u in [0, 1) from SHA-256(seed, key); u &lt; testFraction is test, u &lt; testFraction +
     * valFraction is val, the rest train. An item keeps its split when others are added or removed.
     */
    static io.streamaug.core.Split byHash(String key, double valFraction, double testFraction, long seed) {
        if (valFraction == 0 && testFraction == 0) {
            return io.streamaug.core.Split.TRAIN;
        }
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((seed + "/" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        double u = (java.nio.ByteBuffer.wrap(digest).getLong() >>> 11) * 0x1.0p-53;
        if (u < testFraction) {
            return io.streamaug.core.Split.TEST;
        }
        return u < testFraction + valFraction ? io.streamaug.core.Split.VAL : io.streamaug.core.Split.TRAIN;
    }

    /** The order of epoch {@code epoch}: a fresh permutation per epoch, reproducible from the seed. */
    static int[] epochOrder(List<Integer> items, long seed, int epoch) {
        int[] perm = shuffled(items.size(), new SplittableRandom(seed * 1_000_003L + 7919L * (epoch + 1)));
        int[] order = new int[items.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = items.get(perm[i]);
        }
        return order;
    }

    static int[] shuffled(int n, SplittableRandom random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    static List<Integer> indices(boolean[] mask, boolean value) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == value) {
                out.add(i);
            }
        }
        return out;
    }
}
