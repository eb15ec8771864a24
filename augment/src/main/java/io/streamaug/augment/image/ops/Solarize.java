package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * Inverts every channel value at or above a threshold drawn uniformly from {@code thresholdRange}
 * (torchvision's {@code solarize}): x ↦ 255 − x when x ≥ threshold; a threshold above 255 keeps the image.
 */
public final class Solarize extends ImageOp<Solarize.Params> {
    /** The drawn threshold (pixel levels). */
    public record Params(double threshold) {
    }

    private final DoubleRange thresholdRange;

    public Solarize(DoubleRange thresholdRange, double p) {
        super(p);
        this.thresholdRange = thresholdRange.within("threshold_range", 0, 256);
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(thresholdRange.draw(random));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        solarize(src, dst, params.threshold(), workspace, this);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("threshold", round4(params.threshold()));
    }

    /** The kernel. */
    static void solarize(Mat src, Mat dst, double threshold, Workspace workspace, Object owner) {
        byte[] table = new byte[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (byte) (v >= threshold ? 255 - v : v);
        }
        Uint8Math.lookUp(src, dst, table, workspace, owner);
    }
}
