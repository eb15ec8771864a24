package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

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

    /** The kernel. */
    static void sharpness(Mat src, Mat dst, double factor, Workspace workspace, Object owner) {
        int rows = src.rows();
        int cols = src.cols();
        if (rows <= 2 || cols <= 2) {
            src.copyTo(dst);
            return;
        }
        int channels = src.channels();
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        byte[] out = workspace.bytes(owner, 1, pixels.length);
        float ratio = (float) factor;
        float rest = (float) (1 - factor);
        for (int i = 0; i < pixels.length; i++) { // the border blends with itself: float32 may still move it
            out[i] = Uint8Math.blend(pixels[i] & 0xff, pixels[i] & 0xff, ratio, rest);
        }
        int stride = cols * channels;
        for (int y = 1; y < rows - 1; y++) {
            for (int x = 1; x < cols - 1; x++) {
                for (int c = 0; c < channels; c++) {
                    int i = y * stride + x * channels + c;
                    int sum = 4 * (pixels[i] & 0xff);
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            sum += pixels[i + dy * stride + dx * channels] & 0xff;
                        }
                    }
                    int smooth = (2 * sum + 13) / 26; // round(sum / 13): never a tie, 13 being odd
                    out[i] = Uint8Math.blend(pixels[i] & 0xff, smooth, ratio, rest);
                }
            }
        }
        Uint8Math.write(out, src, dst);
    }
}
