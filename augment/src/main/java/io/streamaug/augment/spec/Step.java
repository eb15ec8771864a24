package io.streamaug.augment.spec;

import io.streamaug.augment.image.ImageOp;
import java.util.List;

/** One entry of a spec's op list: an op with its label rule, or a group of steps. */
public sealed interface Step permits Step.Op, Step.OneOf, Step.SomeOf {

    /** An op; its own {@code p} decides whether it applies. */
    record Op(ImageOp<?> op, LabelRule rule) implements Step {
    }

    /**
     * With probability {@code p}, exactly one of the steps, chosen with probability proportional
     * to the steps' weights (an op's weight is its {@code p}, as in Albumentations' OneOf); the
     * chosen op then applies without tossing its own {@code p} again.
     */
    record OneOf(List<Step> steps, double p) implements Step {
        public OneOf {
            steps = List.copyOf(steps);
        }
    }

    /** With probability {@code p}, between {@code min} and {@code max} of the steps, chosen without replacement, applied in order. */
    record SomeOf(List<Step> steps, int min, int max, double p) implements Step {
        public SomeOf {
            steps = List.copyOf(steps);
        }
    }
}
