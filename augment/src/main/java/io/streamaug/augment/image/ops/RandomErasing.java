package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;

/**
 * Erases a random box (torchvision's RandomErasing): area share from {@code areaRange}, aspect
 * ratio drawn log-uniformly from {@code aspectRange}, up to ten tries for a box that fits (none
 * fits: the image is left as it is). The box gets a constant pixel value, or with {@code random}
 * per-pixel uniform noise over 0..255 (torchvision draws normal noise in normalised space; in pixel
 * space, before normalisation, uniform noise covers the whole range).
 */
public final class RandomErasing extends ImageOp<RandomErasing.Params> {
    /** The erased box ({@code height == 0}: no box fitted) and the seed of random fill. */
    public record Params(int top, int left, int height, int width, int seed) {
    }

    private final DoubleRange areaRange;
    private final DoubleRange aspectRange;
    private final double value;
    private final boolean randomValue;

    /**
     * @param value       fill in 0..255, ignored when {@code randomValue}
     * @param randomValue per-pixel uniform random fill
     */
    public RandomErasing(DoubleRange areaRange, DoubleRange aspectRange, double value, boolean randomValue, double p) {
        super(p);
        if (areaRange.min() <= 0) {
            throw new IllegalArgumentException("area_range must be within (0, 1], got " + areaRange.toList());
        }
        if (aspectRange.min() <= 0) {
            throw new IllegalArgumentException("aspect_range must be positive, got " + aspectRange.toList());
        }
        if (!randomValue && !(value >= 0 && value <= 255)) {
            throw new IllegalArgumentException("value must be in [0, 255] or 'random', got " + value);
        }
        this.areaRange = areaRange.within("area_range", 0, 1);
        this.aspectRange = aspectRange.within("aspect_range", 1e-3, 1e3);
        this.value = value;
        this.randomValue = randomValue;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        double area = (double) height * width;
        double logMin = Math.log(aspectRange.min());
        double logMax = Math.log(aspectRange.max());
        for (int attempt = 0; attempt < 10; attempt++) {
            double eraseArea = area * areaRange.draw(random);
            double aspect = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
            int h = (int) Math.round(Math.sqrt(eraseArea * aspect));
            int w = (int) Math.round(Math.sqrt(eraseArea / aspect));
            if (h > 0 && w > 0 && h < height && w < width) {
                return new Params(random.nextInt(height - h + 1), random.nextInt(width - w + 1), h, w,
                        randomValue ? random.nextInt() : 0);
            }
        }
        return new Params(0, 0, 0, 0, 0);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        src.copyTo(dst);
        if (params.height() == 0) {
            return;
        }
        Mat box = dst.submat(new Rect(params.left(), params.top(), params.width(), params.height()));
        try {
            if (randomValue) {
                Core.setRNGSeed(params.seed());
                Core.randu(box, 0, 256);
            } else {
                box.setTo(Scalar.all(value));
            }
        } finally {
            box.release();
        }
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("top", params.top(), "left", params.left(), "height", params.height(), "width", params.width());
    }
}
