package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/** A mirror about one axis: {@link HorizontalFlip} and {@link VerticalFlip} differ only in OpenCV's flip code. */
abstract sealed class Flip extends ImageOp<Flip.Params> permits HorizontalFlip, VerticalFlip {
    /** A flip draws nothing beyond the toss of {@code p}. */
    public record Params() {
    }

    private static final Params PARAMS = new Params();

    private final int flipCode;

    Flip(double p, int flipCode) {
        super(p);
        this.flipCode = flipCode;
    }

    @Override
    protected final Params sample(RandomGenerator random, int height, int width, int channels) {
        return PARAMS;
    }

    @Override
    protected final void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Core.flip(src, dst, flipCode);
    }

    @Override
    protected final Map<String, Object> describe(Params params) {
        return Map.of();
    }
}
