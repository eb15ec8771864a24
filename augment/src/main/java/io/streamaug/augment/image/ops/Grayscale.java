package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * Turns RGB gray, keeping three equal channels (torchvision's {@code rgb_to_grayscale} with three
 * output channels: 0.2989 R + 0.587 G + 0.114 B, truncated); a grayscale image is kept.
 */
public final class Grayscale extends ImageOp<Grayscale.Params> {
    /** Draws nothing beyond the toss of {@code p}. */
    public record Params() {
    }

    private static final Params PARAMS = new Params();

    public Grayscale(double p) {
        super(p);
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return PARAMS;
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        grayscale(src, dst, workspace, this);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of();
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
