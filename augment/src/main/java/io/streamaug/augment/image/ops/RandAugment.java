package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * RandAugment (Cubuk et al., 2020) as torchvision's: {@code numOps} ops drawn uniformly, with
 * replacement, from its 14 (Identity, ShearX/Y, TranslateX/Y, Rotate, Brightness, Color, Contrast,
 * Sharpness, Posterize, Solarize, AutoContrast, Equalize), each at bin {@code magnitude} of
 * {@code numMagnitudeBins} of its table, with a random sign where signed. With {@code magnitudeStd}
 * > 0 each op's bin is instead drawn from N(magnitude, std²) and clipped to the table (timm's
 * {@code mstd}); {@code magnitude: 9, num_magnitude_bins: 11} is timm's {@code m9}.
 */
public final class RandAugment extends ImageOp<RandAugment.Params> {
    /** The drawn ops with their signed magnitudes, in the order applied. */
    public record Params(List<PolicyStep> steps) {
    }

    private final int numOps;
    private final int magnitude;
    private final int numMagnitudeBins;
    private final double magnitudeStd;
    private final Interpolation interpolation;
    private final double fill;

    public RandAugment(int numOps, int magnitude, int numMagnitudeBins, double magnitudeStd, Interpolation interpolation,
            double fill, double p) {
        super(p);
        if (numOps < 0 || numOps > 16) {
            throw new IllegalArgumentException("num_ops must be in [0, 16], got " + numOps);
        }
        if (numMagnitudeBins < 2 || numMagnitudeBins > 1000) {
            throw new IllegalArgumentException("num_magnitude_bins must be in [2, 1000], got " + numMagnitudeBins);
        }
        if (magnitude < 0 || magnitude >= numMagnitudeBins) {
            throw new IllegalArgumentException("magnitude must be in [0, num_magnitude_bins − 1 = " + (numMagnitudeBins - 1)
                    + "], got " + magnitude);
        }
        if (!(magnitudeStd >= 0 && magnitudeStd <= 100)) {
            throw new IllegalArgumentException("magnitude_std must be in [0, 100], got " + magnitudeStd);
        }
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.numOps = numOps;
        this.magnitude = magnitude;
        this.numMagnitudeBins = numMagnitudeBins;
        this.magnitudeStd = magnitudeStd;
        this.interpolation = interpolation;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        List<AugmentationSpace.Entry> space = AugmentationSpace.randAugment(height, width);
        List<PolicyStep> steps = new ArrayList<>(numOps);
        for (int i = 0; i < numOps; i++) {
            AugmentationSpace.Entry entry = space.get(random.nextInt(space.size()));
            double bin = magnitude;
            if (magnitudeStd > 0) {
                bin = Math.min(numMagnitudeBins - 1, Math.max(0, magnitude + magnitudeStd * random.nextGaussian()));
            }
            double value = entry.at(bin, numMagnitudeBins);
            if (entry.signed() && random.nextBoolean()) {
                value = -value;
            }
            steps.add(new PolicyStep(entry.op(), value));
        }
        return new Params(List.copyOf(steps));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        PolicyStep.run(params.steps(), src, dst, interpolation, fill, workspace, this);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("ops", PolicyStep.names(params.steps()), "magnitudes", PolicyStep.magnitudes(params.steps()));
    }
}
