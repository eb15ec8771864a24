package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/**
 * Turns RGB gray, keeping three equal channels (torchvision's {@code rgb_to_grayscale} with three
 * output channels: 0.2989 R + 0.587 G + 0.114 B, truncated); a grayscale image is kept.
 */
public final class Grayscale extends DeterministicOp {
    public Grayscale(double p) {
        super(p);
    }

    @Override
    protected void transform(Mat src, Mat dst, Workspace workspace) {
        grayscale(src, dst, workspace, this);
    }

    /** The kernel; {@code owner} keys its scratch buffers in {@code workspace}. */
    static void grayscale(Mat src, Mat dst, Workspace workspace, Object owner) {
        if (src.channels() == 1) {
            src.copyTo(dst);
            return;
        }
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        for (int i = 0; i + 2 < pixels.length; i += 3) {
            byte gray = (byte) Uint8Math.gray(pixels[i] & 0xff, pixels[i + 1] & 0xff, pixels[i + 2] & 0xff);
            pixels[i] = gray;
            pixels[i + 1] = gray;
            pixels[i + 2] = gray;
        }
        Uint8Math.write(pixels, src, dst);
    }
}
