package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Workspace;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Blends against a smoothed image (torchvision's {@code adjust_sharpness}): the smoothing kernel
 * is [[1, 1, 1], [1, 5, 1], [1, 1, 1]]/13, rounded to 8 bits, and leaves the one-pixel border as
 * it was; images less than three pixels high or wide are kept.
 */
public final class Sharpness extends Enhance {
    public Sharpness(DoubleRange factorRange, double p) {
        super(factorRange, p);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        sharpness(src, dst, params.factor(), workspace, this);
    }

    /**
     * The kernel. The smoothed values come from OpenCV, exactly: the 3×3 sums (a box filter, not
     * normalised, in 16 bits) plus four times the centre, divided by 13 and rounded (never a tie, 13
     * being odd); the blend, float32 and truncated as torchvision's, is one Java pass over the pixels.
     */
    static void sharpness(Mat src, Mat dst, double factor, Workspace workspace, Object owner) {
        int rows = src.rows();
        int cols = src.cols();
        if (rows <= 2 || cols <= 2) {
            src.copyTo(dst);
            return;
        }
        int channels = src.channels();
        Mat sums = workspace.mat(owner, 0);
        Mat centre = workspace.mat(owner, 1);
        Mat smooth = workspace.mat(owner, 2);
        Imgproc.boxFilter(src, sums, CvType.CV_16U, new Size(3, 3), new Point(-1, -1), false, Core.BORDER_REPLICATE);
        src.convertTo(centre, CvType.CV_16U);
        Core.scaleAdd(centre, 4, sums, sums);
        sums.convertTo(smooth, CvType.CV_8U, 1.0 / 13);
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        byte[] degenerate = Uint8Math.read(smooth, workspace, owner, 2);
        int stride = cols * channels;
        for (int x = 0; x < stride; x++) { // the border blends with itself: float32 may still move it
            degenerate[x] = pixels[x];
            degenerate[(rows - 1) * stride + x] = pixels[(rows - 1) * stride + x];
        }
        for (int y = 1; y < rows - 1; y++) {
            for (int c = 0; c < channels; c++) {
                degenerate[y * stride + c] = pixels[y * stride + c];
                degenerate[y * stride + stride - channels + c] = pixels[y * stride + stride - channels + c];
            }
        }
        byte[] out = workspace.bytes(owner, 1, pixels.length);
        float ratio = (float) factor;
        float rest = (float) (1 - factor);
        for (int i = 0; i < pixels.length; i++) {
            out[i] = Uint8Math.blend(pixels[i] & 0xff, degenerate[i] & 0xff, ratio, rest);
        }
        Uint8Math.write(out, src, dst);
    }
}
