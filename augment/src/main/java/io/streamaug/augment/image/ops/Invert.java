package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/** Inverts every channel: x ↦ 255 − x (torchvision's {@code invert}). */
public final class Invert extends DeterministicOp {
    public Invert(double p) {
        super(p);
    }

    @Override
    protected void transform(Mat src, Mat dst, Workspace workspace) {
        invert(src, dst, workspace, this);
    }

    /** The kernel; {@code owner} keys its scratch buffers in {@code workspace}. */
    static void invert(Mat src, Mat dst, Workspace workspace, Object owner) {
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (255 - (pixels[i] & 0xff));
        }
        Uint8Math.write(pixels, src, dst);
    }
}
