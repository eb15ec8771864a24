package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/** Blends against the image's mean gray level (torchvision's {@code adjust_contrast}). */
public final class Contrast extends Enhance {
    public Contrast(DoubleRange factorRange, double p) {
        super(factorRange, p);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        contrast(src, dst, params.factor(), workspace, this);
    }

    /** The kernel: the mean of the truncated gray levels (of the values, for one channel), in float32. */
    static void contrast(Mat src, Mat dst, double factor, Workspace workspace, Object owner) {
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        long sum = 0;
        int count;
        if (src.channels() == 3) {
            for (int i = 0; i + 2 < pixels.length; i += 3) {
                sum += Uint8Math.gray(pixels[i] & 0xff, pixels[i + 1] & 0xff, pixels[i + 2] & 0xff);
            }
            count = pixels.length / 3;
        } else {
            for (byte b : pixels) {
                sum += b & 0xff;
            }
            count = pixels.length;
        }
        float mean = (float) sum / count;
        float ratio = (float) factor;
        float rest = (float) (1 - factor);
        byte[] table = new byte[256];
        for (int v = 0; v < 256; v++) {
            table[v] = Uint8Math.blend(v, mean, ratio, rest);
        }
        Uint8Math.lookUp(src, dst, table, workspace, owner);
    }
}
