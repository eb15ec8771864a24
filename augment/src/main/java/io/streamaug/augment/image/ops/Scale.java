package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.BorderMode;
import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Zooms about the centre by a factor drawn from {@code zoomRange}, keeping the size (> 1 zooms in). */
public final class Scale extends ImageOp<Scale.Params> {
    /** The drawn zoom factor. */
    public record Params(double zoom) {
    }

    private final DoubleRange zoomRange;
    private final Interpolation interpolation;
    private final BorderMode border;
    private final double fill;

    public Scale(DoubleRange zoomRange, Interpolation interpolation, BorderMode border, double fill, double p) {
        super(p);
        if (zoomRange.min() <= 0) {
            throw new IllegalArgumentException("zoom_range must be positive, got " + zoomRange.toList());
        }
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.zoomRange = zoomRange.within("zoom_range", 1e-3, 100);
        this.interpolation = interpolation;
        this.border = border;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(zoomRange.draw(random));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Mat matrix = Affine.rotation(workspace.mat(this, 0), (src.cols() - 1) / 2.0, (src.rows() - 1) / 2.0, 0, params.zoom());
        Imgproc.warpAffine(src, dst, matrix, new Size(src.cols(), src.rows()), interpolation.flag(), border.flag(),
                new Scalar(fill, fill, fill));
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("zoom", round4(params.zoom()));
    }
}
