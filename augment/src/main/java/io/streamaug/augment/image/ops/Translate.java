package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.BorderMode;
import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Shifts the image by whole pixels: dx drawn from {@code xRange} × width, dy from {@code yRange} ×
 * height, rounded (as torchvision's RandomAffine translate); uncovered pixels get {@code fill}.
 */
public final class Translate extends ImageOp<Translate.Params> {
    /** The drawn shift in pixels (positive: right and down). */
    public record Params(int dx, int dy) {
    }

    private final DoubleRange xRange;
    private final DoubleRange yRange;
    private final BorderMode border;
    private final double fill;

    public Translate(DoubleRange xRange, DoubleRange yRange, BorderMode border, double fill, double p) {
        super(p);
        this.xRange = xRange.within("x_range", -1, 1);
        this.yRange = yRange.within("y_range", -1, 1);
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.border = border;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params((int) Math.round(xRange.draw(random) * width), (int) Math.round(yRange.draw(random) * height));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Mat matrix = workspace.mat(this, 0);
        matrix.create(2, 3, CvType.CV_64F);
        matrix.put(0, 0, 1, 0, params.dx(), 0, 1, params.dy());
        Imgproc.warpAffine(src, dst, matrix, new Size(src.cols(), src.rows()), Imgproc.INTER_NEAREST, border.flag(),
                new Scalar(fill, fill, fill));
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("dx", params.dx(), "dy", params.dy());
    }
}
