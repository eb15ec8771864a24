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

/**
 * Rotates about the image centre by an angle drawn from {@code angleRange} degrees, keeping the
 * size. torchvision's conventions: a positive angle turns counter-clockwise, the centre is
 * ((w−1)/2, (h−1)/2), corners that come from outside get {@code fill}.
 */
public final class Rotate extends ImageOp<Rotate.Params> {
    /** The drawn angle in degrees. */
    public record Params(double angle) {
    }

    private final DoubleRange angleRange;
    private final Interpolation interpolation;
    private final BorderMode border;
    private final double fill;

    public Rotate(DoubleRange angleRange, Interpolation interpolation, BorderMode border, double fill, double p) {
        super(p);
        this.angleRange = angleRange.within("angle_range", -360, 360);
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.interpolation = interpolation;
        this.border = border;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(angleRange.draw(random));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        rotate(src, dst, params.angle(), interpolation, border, fill, workspace.mat(this, 0));
    }

    /** The kernel, shared with the policies; {@code matrix} is scratch. */
    static void rotate(Mat src, Mat dst, double angle, Interpolation interpolation, BorderMode border, double fill, Mat matrix) {
        Affine.rotation(matrix, (src.cols() - 1) / 2.0, (src.rows() - 1) / 2.0, angle, 1.0);
        Imgproc.warpAffine(src, dst, matrix, new Size(src.cols(), src.rows()), interpolation.flag(), border.flag(),
                new Scalar(fill, fill, fill));
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("angle", round4(params.angle()));
    }
}
