package io.streamaug.augment.image;

import io.streamaug.datasets.FashionMnist;
import java.util.Arrays;

/**
 * Per-channel mean and std of the training set, on the 0..1 pixel scale, and the version of the
 * statistics they came from (0 = fixed values from configuration).
 */
public record Normalization(float[] mean, float[] std, long statsVersion) {
    /** Fashion-MNIST training-set statistics (0..1 scale). */
    public static final Normalization FASHION_MNIST = new Normalization(new float[] {FashionMnist.MEAN},
            new float[] {FashionMnist.STD}, 0);
    /** ImageNet's training-set statistics, as torchvision's models expect them (0..1 scale). */
    public static final Normalization IMAGENET = new Normalization(new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f}, 0);

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need one value per channel, got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("std must be positive and finite, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public int channels() {
        return mean.length;
    }

    /** uint8 → normalised: scale of the affine decode, {@code 1 / (255 · std)}. */
    public float[] uint8Scale() {
        float[] scale = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            scale[c] = (float) (1.0 / (255.0 * std[c]));
        }
        return scale;
    }

    /** uint8 → normalised: offset of the affine decode, {@code -mean / std}. */
    public float[] uint8Offset() {
        float[] offset = new float[mean.length];
        for (int c = 0; c < mean.length; c++) {
            offset[c] = (float) (-mean[c] / (double) std[c]);
        }
        return offset;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std)
                && statsVersion == n.statsVersion;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std) + Long.hashCode(statsVersion);
    }
}
