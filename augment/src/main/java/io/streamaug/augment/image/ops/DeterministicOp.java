package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * An op that draws nothing beyond the toss of {@code p}: when it fires it always does the same thing
 * (flips, Invert, AutoContrast, Equalize, Grayscale), so its trace entry carries no parameters.
 */
abstract class DeterministicOp extends ImageOp<DeterministicOp.Params> {
    /** Nothing is drawn. */
    public record Params() {
    }

    private static final Params PARAMS = new Params();

    DeterministicOp(double p) {
        super(p);
    }

    /** The pure transformation: {@code src} into {@code dst}; {@code workspace} holds scratch buffers. */
    protected abstract void transform(Mat src, Mat dst, Workspace workspace);

    @Override
    protected final Params sample(RandomGenerator random, int height, int width, int channels) {
        return PARAMS;
    }

    @Override
    protected final void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        transform(src, dst, workspace);
    }

    @Override
    protected final Map<String, Object> describe(Params params) {
        return Map.of();
    }
}
