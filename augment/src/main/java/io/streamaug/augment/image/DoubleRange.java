package io.streamaug.augment.image;

import java.util.List;
import java.util.random.RandomGenerator;

/** A closed interval [min, max] of a parameter; {@code min == max} fixes the value. */
public record DoubleRange(double min, double max) {
    public DoubleRange {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("range bounds must be finite, got [" + min + ", " + max + "]");
        }
        if (max < min) {
            throw new IllegalArgumentException("max must be ≥ min, got [" + min + ", " + max + "]");
        }
    }

    public static DoubleRange of(double min, double max) {
        return new DoubleRange(min, max);
    }

    /** A uniform draw from the range (no draw is consumed when the range is a single value). */
    public double draw(RandomGenerator random) {
        return min == max ? min : min + (max - min) * random.nextDouble();
    }

    /**
     * Checks the range lies within [lo, hi].
     *
     * @throws IllegalArgumentException naming {@code name} and the allowed interval
     */
    public DoubleRange within(String name, double lo, double hi) {
        if (min < lo || max > hi) {
            throw new IllegalArgumentException(name + " must lie within [" + lo + ", " + hi + "], got [" + min + ", " + max + "]");
        }
        return this;
    }

    public List<Double> toList() {
        return List.of(min, max);
    }
}
