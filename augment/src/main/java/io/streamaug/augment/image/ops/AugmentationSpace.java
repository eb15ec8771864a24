package io.streamaug.augment.image.ops;

import static io.streamaug.augment.image.ops.PolicyOp.AUTO_CONTRAST;
import static io.streamaug.augment.image.ops.PolicyOp.BRIGHTNESS;
import static io.streamaug.augment.image.ops.PolicyOp.COLOR;
import static io.streamaug.augment.image.ops.PolicyOp.CONTRAST;
import static io.streamaug.augment.image.ops.PolicyOp.EQUALIZE;
import static io.streamaug.augment.image.ops.PolicyOp.IDENTITY;
import static io.streamaug.augment.image.ops.PolicyOp.INVERT;
import static io.streamaug.augment.image.ops.PolicyOp.POSTERIZE;
import static io.streamaug.augment.image.ops.PolicyOp.ROTATE;
import static io.streamaug.augment.image.ops.PolicyOp.SHARPNESS;
import static io.streamaug.augment.image.ops.PolicyOp.SHEAR_X;
import static io.streamaug.augment.image.ops.PolicyOp.SHEAR_Y;
import static io.streamaug.augment.image.ops.PolicyOp.SOLARIZE;
import static io.streamaug.augment.image.ops.PolicyOp.TRANSLATE_X;
import static io.streamaug.augment.image.ops.PolicyOp.TRANSLATE_Y;

import java.util.List;
import java.util.stream.Stream;

/**
 * The op sets and magnitude tables of torchvision's policies ({@code _augmentation_space}): each
 * op's magnitudes run linearly over {@code bins} bins from {@code first} to {@code last}, and
 * {@code signed} ops get a random sign. Posterize's bits are the rounded table value.
 */
final class AugmentationSpace {
    /** One op and its table. */
    record Entry(PolicyOp op, double first, double last, boolean signed) {
        /** The magnitude at bin {@code bin} of {@code bins} (a fractional bin interpolates). */
        double at(double bin, int bins) {
            double value = first == last || bins == 1 ? first : first + (last - first) * bin / (bins - 1);
            return op == POSTERIZE ? Math.rint(value) : value;
        }
    }

    private AugmentationSpace() {
    }

    private static Entry fixed(PolicyOp op) {
        return new Entry(op, 0, 0, false);
    }

    /** RandAugment's 14 ops; translations reach 150/331 of the side. */
    static List<Entry> randAugment(int height, int width) {
        return List.of(fixed(IDENTITY), new Entry(SHEAR_X, 0, 0.3, true), new Entry(SHEAR_Y, 0, 0.3, true),
                new Entry(TRANSLATE_X, 0, 150.0 / 331.0 * width, true), new Entry(TRANSLATE_Y, 0, 150.0 / 331.0 * height, true),
                new Entry(ROTATE, 0, 30, true), new Entry(BRIGHTNESS, 0, 0.9, true), new Entry(COLOR, 0, 0.9, true),
                new Entry(CONTRAST, 0, 0.9, true), new Entry(SHARPNESS, 0, 0.9, true), new Entry(POSTERIZE, 8, 4, false),
                new Entry(SOLARIZE, 255, 0, false), fixed(AUTO_CONTRAST), fixed(EQUALIZE));
    }

    /** TrivialAugmentWide's 14 ops, with its wider ranges. */
    static List<Entry> trivialAugmentWide() {
        return List.of(fixed(IDENTITY), new Entry(SHEAR_X, 0, 0.99, true), new Entry(SHEAR_Y, 0, 0.99, true),
                new Entry(TRANSLATE_X, 0, 32, true), new Entry(TRANSLATE_Y, 0, 32, true), new Entry(ROTATE, 0, 135, true),
                new Entry(BRIGHTNESS, 0, 0.99, true), new Entry(COLOR, 0, 0.99, true), new Entry(CONTRAST, 0, 0.99, true),
                new Entry(SHARPNESS, 0, 0.99, true), new Entry(POSTERIZE, 8, 2, false), new Entry(SOLARIZE, 255, 0, false),
                fixed(AUTO_CONTRAST), fixed(EQUALIZE));
    }

    /** AutoAugment's table (10 bins): RandAugment's without Identity, with Invert. */
    static Entry autoAugment(PolicyOp op, int height, int width) {
        return switch (op) {
            case INVERT -> fixed(INVERT);
            case IDENTITY -> throw new IllegalArgumentException("AutoAugment has no Identity");
            default -> randAugment(height, width).stream().filter(e -> e.op() == op).findFirst().orElseThrow();
        };
    }

    /** AugMix's ops (10 bins): translations reach a third of the side, posterize 4 → 0 bits; {@code allOps} adds the enhancements. */
    static List<Entry> augMix(int height, int width, boolean allOps) {
        List<Entry> base = List.of(new Entry(SHEAR_X, 0, 0.3, true), new Entry(SHEAR_Y, 0, 0.3, true),
                new Entry(TRANSLATE_X, 0, width / 3.0, true), new Entry(TRANSLATE_Y, 0, height / 3.0, true),
                new Entry(ROTATE, 0, 30, true), new Entry(POSTERIZE, 4, 0, false), new Entry(SOLARIZE, 255, 0, false),
                fixed(AUTO_CONTRAST), fixed(EQUALIZE));
        if (!allOps) {
            return base;
        }
        return Stream.concat(base.stream(), Stream.of(new Entry(BRIGHTNESS, 0, 0.9, true), new Entry(COLOR, 0, 0.9, true),
                new Entry(CONTRAST, 0, 0.9, true), new Entry(SHARPNESS, 0, 0.9, true))).toList();
    }
}
