package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.imgproc.Imgproc;

/**
 * torchvision's GaussianBlur: a square {@code kernelSize} kernel (odd) of σ drawn uniformly from
 * {@code sigmaRange}, its float32 taps exp(−x²/2σ²) at x = −(k−1)/2 … (k−1)/2, normalised; edges
 * reflect without repeating the edge pixel; float result rounded to 8 bits.
 */
public final class GaussianBlur extends ImageOp<GaussianBlur.Params> {
    /** The drawn σ in pixels. */
    public record Params(double sigma) {
    }

    private final int kernelSize;
    private final DoubleRange sigmaRange;

    public GaussianBlur(int kernelSize, DoubleRange sigmaRange, double p) {
        super(p);
        if (kernelSize < 1 || kernelSize > 255 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("kernel_size must be odd and in [1, 255], got " + kernelSize);
        }
        if (!(sigmaRange.min() > 0)) {
            throw new IllegalArgumentException("sigma_range must be positive, got " + sigmaRange.toList());
        }
        this.kernelSize = kernelSize;
        this.sigmaRange = sigmaRange.within("sigma_range", 0, 100);
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(sigmaRange.draw(random));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Mat kernel = workspace.mat(this, 0);
        Mat blurred = workspace.mat(this, 1);
        float half = (kernelSize - 1) * 0.5f;
        float sigma = (float) params.sigma();
        float[] taps = new float[kernelSize];
        float sum = 0;
        for (int i = 0; i < kernelSize; i++) {
            float x = kernelSize == 1 ? 0 : -half + 2 * half * i / (kernelSize - 1);
            taps[i] = (float) Math.exp(-0.5f * (x / sigma) * (x / sigma));
            sum += taps[i];
        }
        for (int i = 0; i < kernelSize; i++) {
            taps[i] /= sum;
        }
        kernel.create(kernelSize, 1, CvType.CV_32F);
        kernel.put(0, 0, taps);
        Imgproc.sepFilter2D(src, blurred, CvType.CV_32F, kernel, kernel, new Point(-1, -1), 0, Core.BORDER_REFLECT_101);
        blurred.convertTo(dst, src.type());
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("sigma", round4(params.sigma()));
    }
}
