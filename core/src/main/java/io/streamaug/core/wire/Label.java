package io.streamaug.core.wire;

import java.util.Arrays;

/** The target of a sample: none, a class index, or a soft vector over the classes (mixup, cutmix, smoothing). */
public sealed interface Label {

    /** No label (e.g. inference data). */
    record None() implements Label {
    }

    /** One class. */
    record Hard(int index) implements Label {
        public Hard {
            if (index < 0) {
                throw new IllegalArgumentException("class index must be ≥ 0, got " + index);
            }
        }
    }

    /** Class weights that sum to 1. */
    record Soft(float[] weights) implements Label {
        /** Tolerance of the sum, wide enough for float32 rounding over many classes. */
        public static final double SUM_TOLERANCE = 1e-3;

        public Soft {
            if (weights == null || weights.length == 0) {
                throw new IllegalArgumentException("soft label needs at least one weight");
            }
            double sum = 0;
            for (float w : weights) {
                if (!Float.isFinite(w) || w < 0) {
                    throw new IllegalArgumentException("soft label weights must be finite and ≥ 0, got " + w);
                }
                sum += w;
            }
            if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
                throw new IllegalArgumentException("soft label weights must sum to 1, got " + sum);
            }
            weights = weights.clone();
        }

        @Override
        public float[] weights() {
            return weights.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Soft other && Arrays.equals(weights, other.weights);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(weights);
        }

        @Override
        public String toString() {
            return "Soft" + Arrays.toString(weights);
        }
    }

    static Label none() {
        return new None();
    }

    static Label of(int index) {
        return new Hard(index);
    }

    static Label soft(float... weights) {
        return new Soft(weights);
    }
}
