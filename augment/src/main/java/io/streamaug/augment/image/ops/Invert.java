package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/** Inverts every channel: x ↦ 255 − x (torchvision's {@code invert}). */
public final class Invert extends ImageOp<Invert.Params> {
    /** Draws nothing beyond the toss of {@code p}. */
    public record Params() {
    }

    private static final Params PARAMS = new Params();

    public Invert(double p) {
        super(p);
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return PARAMS;
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        invert(src, dst, workspace, this);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of();
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
