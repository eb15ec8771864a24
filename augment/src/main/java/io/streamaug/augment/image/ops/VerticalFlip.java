package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/** Mirrors the image top to bottom. */
public final class VerticalFlip extends ImageOp<VerticalFlip.Params> {
    /** A flip draws nothing beyond the toss of {@code p}. */
    public record Params() {
    }

    private static final Params PARAMS = new Params();

    public VerticalFlip(double p) {
        super(p);
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return PARAMS;
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Core.flip(src, dst, 0);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of();
    }
}
