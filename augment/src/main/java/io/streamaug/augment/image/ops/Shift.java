package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * A shift along one axis by a whole number of pixels drawn uniformly from {@code [minPixels,
 * maxPixels]} (torchvision's policies' TranslateX/TranslateY); uncovered pixels get {@code fill}.
 */
abstract sealed class Shift extends ImageOp<Shift.Params> permits TranslateX, TranslateY {
    /** The drawn shift in pixels (positive: right, resp. down). */
    public record Params(int pixels) {
    }

    private final int minPixels;
    private final int maxPixels;
    private final double fill;
    private final boolean horizontal;

    Shift(int minPixels, int maxPixels, double fill, double p, boolean horizontal) {
        super(p);
        if (maxPixels < minPixels) {
            throw new IllegalArgumentException("pixels_range must be [min, max] with min ≤ max, got ["
                    + minPixels + ", " + maxPixels + "]");
        }
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.minPixels = minPixels;
        this.maxPixels = maxPixels;
        this.fill = fill;
        this.horizontal = horizontal;
    }

    @Override
    protected final Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(minPixels == maxPixels ? minPixels : minPixels + random.nextInt(maxPixels - minPixels + 1));
    }

    @Override
    protected final void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Affine.shift(src, dst, horizontal ? params.pixels() : 0, horizontal ? 0 : params.pixels(), fill, workspace.mat(this, 0));
    }

    @Override
    protected final Map<String, Object> describe(Params params) {
        return Map.of("pixels", params.pixels());
    }
}
