package io.streamaug.augment.text;

import java.util.List;

/**
 * A validated text pipeline spec: train texts go through {@code steps} ({@code repeats} variants
 * each); val and test texts are never changed.
 */
public record TextSpec(long seed, int repeats, List<Step> steps, io.streamaug.augment.SpecIdentity identity) {
    /** A spec built in code: identity {@code inline}. */
    public TextSpec(long seed, int repeats, List<Step> steps) {
        this(seed, repeats, steps, io.streamaug.augment.SpecIdentity.INLINE);
    }

    /** An op with its own {@code p}, or EDA's composite. */
    public sealed interface Step permits OpStep, EdaStep {
    }

    public record OpStep(TextOp<?> op) implements Step {
    }

    public record EdaStep(Eda eda) implements Step {
    }

    public TextSpec {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        steps = List.copyOf(steps);
    }
}
