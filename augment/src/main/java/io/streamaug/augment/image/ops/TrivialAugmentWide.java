package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * TrivialAugment Wide (Müller and Hutter, 2021) as torchvision's: one op drawn uniformly from
 * the 14 of RandAugment, at a bin drawn uniformly from {@code numMagnitudeBins} of its wide table
 * (shear 0.99, translate 32 px, rotate 135°, enhancements 0.99, posterize down to 2 bits), with a
 * random sign where signed.
 */
public final class TrivialAugmentWide extends ImageOp<TrivialAugmentWide.Params> {
    /** The drawn op with its signed magnitude. */
    public record Params(List<PolicyStep> steps) {
    }

    private static final List<AugmentationSpace.Entry> SPACE = AugmentationSpace.trivialAugmentWide();

    private final int numMagnitudeBins;
    private final Interpolation interpolation;
    private final double fill;

    public TrivialAugmentWide(int numMagnitudeBins, Interpolation interpolation, double fill, double p) {
        super(p);
        if (numMagnitudeBins < 2 || numMagnitudeBins > 1000) {
            throw new IllegalArgumentException("num_magnitude_bins must be in [2, 1000], got " + numMagnitudeBins);
        }
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.numMagnitudeBins = numMagnitudeBins;
        this.interpolation = interpolation;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        AugmentationSpace.Entry entry = SPACE.get(random.nextInt(SPACE.size()));
        double value = entry.at(random.nextInt(numMagnitudeBins), numMagnitudeBins);
        if (entry.signed() && random.nextBoolean()) {
            value = -value;
        }
        return new Params(List.of(new PolicyStep(entry.op(), value)));
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
