package io.streamaug.augment.image.mix;

import java.util.random.RandomGenerator;

/**
 * When and how train samples mix (timm's Mixup switch): with probability {@code p} a sample is
 * mixed, by CutMix with probability {@code switchProb} when both are enabled, else by MixUp; label
 * smoothing {@code labelSmoothing} applies to every train label, mixed or not.
 *
 * @param mixup  {@code null} when disabled
 * @param cutmix {@code null} when disabled
 */
public record Mixing(MixUp mixup, CutMix cutmix, double p, double switchProb, double labelSmoothing) {
    public Mixing {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        if (!(switchProb >= 0 && switchProb <= 1)) {
            throw new IllegalArgumentException("switch_prob must be in [0, 1], got " + switchProb);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1), got " + labelSmoothing);
        }
    }

    /** No mixing and no smoothing. */
    public static final Mixing NONE = new Mixing(null, null, 0, 0, 0);

    public boolean mixes() {
        return p > 0 && (mixup != null || cutmix != null);
    }

    /** Which op mixes this sample ({@code null}: none); always consumes the same draws. */
    public MixOp<?> choose(RandomGenerator random) {
        boolean mix = random.nextDouble() < p;
        boolean useCutmix = random.nextDouble() < switchProb;
        if (!mix || !mixes()) {
            return null;
        }
        if (mixup != null && cutmix != null) {
            return useCutmix ? cutmix : mixup;
        }
        return mixup != null ? mixup : cutmix;
    }
}
