package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Adds zero-mean Gaussian noise of a standard deviation drawn from {@code sigmaRange} (on the 0..1
 * pixel scale), then rounds and clips to 8 bits. The noise field comes from OpenCV's thread-local
 * generator, re-seeded for every image from a seed this op draws: as replayable as the rest, and
 * ~10× faster than drawing the Gaussians in Java.
 */
public final class GaussianNoise extends ImageOp<GaussianNoise.Params> {
    /** The drawn standard deviation (0..1 scale) and the seed of the noise field. */
    public record Params(double sigma, int seed) {
    }

    static {
        OpenCv.load();
    }

    /** An empty mask (OpenCV's "no mask"): read-only, shared, lives as long as the JVM. */
    private static final Mat NO_MASK = new Mat();

    private final DoubleRange sigmaRange;

    public GaussianNoise(DoubleRange sigmaRange, double p) {
        super(p);
        this.sigmaRange = sigmaRange.within("sigma_range", 0, 1);
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(sigmaRange.draw(random), random.nextInt());
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Mat noise = workspace.mat(this, 0);
        noise.create(src.rows(), src.cols(), CvType.CV_32FC(src.channels()));
        Core.setRNGSeed(params.seed());
        Core.randn(noise, 0, params.sigma() * 255.0);
        Core.add(src, noise, dst, NO_MASK, CvType.CV_8U);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("sigma", round4(params.sigma()), "seed", params.seed());
    }
}
