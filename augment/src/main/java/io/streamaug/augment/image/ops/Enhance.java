package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * A blend of the image with a degenerate version of itself by a factor drawn from
 * {@code factorRange} (torchvision's {@code adjust_*}: 1 keeps the image, 0 gives the degenerate
 * one, above 1 extrapolates away from it). The four ops differ only in the degenerate image.
 */
abstract sealed class Enhance extends ImageOp<Enhance.Params> permits Brightness, Color, Contrast, Sharpness {
    /** The drawn factor. */
    public record Params(double factor) {
    }

    private final DoubleRange factorRange;

    Enhance(DoubleRange factorRange, double p) {
        super(p);
        this.factorRange = factorRange.within("factor_range", 0, 10);
    }

    @Override
    protected final Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(factorRange.draw(random));
    }

    @Override
    protected final Map<String, Object> describe(Params params) {
        return Map.of("factor", round4(params.factor()));
    }
}
