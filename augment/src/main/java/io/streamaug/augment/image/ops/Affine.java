package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Interpolation;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Affine matrices written into reusable Mats (OpenCV's getRotationMatrix2D allocates a new one per
 * call), and the shear and whole-pixel shift warps the policy ops share.
 */
final class Affine {
    private Affine() {
    }

    /** The matrix of OpenCV's getRotationMatrix2D: counter-clockwise degrees about (cx, cy), then scale. */
    static Mat rotation(Mat matrix, double cx, double cy, double degrees, double scale) {
        double radians = Math.toRadians(degrees);
        double a = scale * Math.cos(radians);
        double b = scale * Math.sin(radians);
        matrix.create(2, 3, CvType.CV_64F);
        matrix.put(0, 0, a, b, (1 - a) * cx - b * cy, -b, a, b * cx + (1 - a) * cy);
        return matrix;
    }

    /**
     * torchvision's {@code affine} with only a shear, about the top-left corner (as its policies
     * call it, {@code center=[0, 0]}): {@code shearX} = tan of the x-shear angle, likewise y. In
     * pixel-index coordinates torchvision samples the input at x + shearX·(y + ½) (resp. y + shearY·(x + ½)).
     */
    static void shear(Mat src, Mat dst, double shearX, double shearY, Interpolation interpolation, double fill, Mat matrix) {
        matrix.create(2, 3, CvType.CV_64F);
        matrix.put(0, 0, 1, shearX, 0.5 * shearX, shearY, 1, 0.5 * shearY);
        Imgproc.warpAffine(src, dst, matrix, new Size(src.cols(), src.rows()), interpolation.flag() | Imgproc.WARP_INVERSE_MAP,
                Core.BORDER_CONSTANT, new Scalar(fill, fill, fill));
    }

    /** A shift by whole pixels (positive: right and down); uncovered pixels get {@code fill}. */
    static void shift(Mat src, Mat dst, int dx, int dy, double fill, Mat matrix) {
        matrix.create(2, 3, CvType.CV_64F);
        matrix.put(0, 0, 1, 0, dx, 0, 1, dy);
        Imgproc.warpAffine(src, dst, matrix, new Size(src.cols(), src.rows()), Imgproc.INTER_NEAREST,
                Core.BORDER_CONSTANT, new Scalar(fill, fill, fill));
    }
}
