package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/**
 * Saturation: blends each pixel against its own gray level (torchvision's {@code adjust_saturation},
 * PIL's {@code ImageEnhance.Color}); a grayscale image is kept, as torchvision keeps it.
 */
public final class Color extends Enhance {
    public Color(DoubleRange factorRange, double p) {
        super(factorRange, p);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        color(src, dst, params.factor(), workspace, this);
    }

    /** The kernel. */
    static void color(Mat src, Mat dst, double factor, Workspace workspace, Object owner) {
        if (src.channels() == 1) {
            src.copyTo(dst);
            return;
        }
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        float ratio = (float) factor;
        float rest = (float) (1 - factor);
        for (int i = 0; i + 2 < pixels.length; i += 3) {
            int r = pixels[i] & 0xff;
            int g = pixels[i + 1] & 0xff;
            int b = pixels[i + 2] & 0xff;
            int gray = Uint8Math.gray(r, g, b);
            pixels[i] = Uint8Math.blend(r, gray, ratio, rest);
            pixels[i + 1] = Uint8Math.blend(g, gray, ratio, rest);
            pixels[i + 2] = Uint8Math.blend(b, gray, ratio, rest);
        }
        Uint8Math.write(pixels, src, dst);
    }
}
