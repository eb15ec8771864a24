package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/** Scales every value by the factor, against black (torchvision's {@code adjust_brightness}). */
public final class Brightness extends Enhance {
    public Brightness(DoubleRange factorRange, double p) {
        super(factorRange, p);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        brightness(src, dst, params.factor(), workspace, this);
    }

    /** The kernel. */
    static void brightness(Mat src, Mat dst, double factor, Workspace workspace, Object owner) {
        float ratio = (float) factor;
        float rest = (float) (1 - factor);
        byte[] table = new byte[256];
        for (int v = 0; v < 256; v++) {
            table[v] = Uint8Math.blend(v, 0, ratio, rest);
        }
        Uint8Math.lookUp(src, dst, table, workspace, owner);
    }
}
