package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * A shear about the top-left corner by a factor (tan of the shear angle) drawn from
 * {@code shearRange}, as torchvision's policies apply it; size kept, uncovered pixels get {@code fill}.
 * {@link ShearX} and {@link ShearY} differ only in the axis.
 */
abstract sealed class Shear extends ImageOp<Shear.Params> permits ShearX, ShearY {
    /** The drawn shear factor. */
    public record Params(double shear) {
    }

    private final DoubleRange shearRange;
    private final Interpolation interpolation;
    private final double fill;
    private final boolean horizontal;

    Shear(DoubleRange shearRange, Interpolation interpolation, double fill, double p, boolean horizontal) {
        super(p);
        this.shearRange = shearRange.within("shear_range", -2, 2);
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.interpolation = interpolation;
        this.fill = fill;
        this.horizontal = horizontal;
    }

    @Override
    protected final Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(shearRange.draw(random));
    }

    @Override
    protected final void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Affine.shear(src, dst, horizontal ? params.shear() : 0, horizontal ? 0 : params.shear(), interpolation, fill,
                workspace.mat(this, 0));
    }

    @Override
    protected final Map<String, Object> describe(Params params) {
        return Map.of("shear", round4(params.shear()));
    }
}
