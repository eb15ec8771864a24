package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Resizes to {@code height × width}, or — with {@code shorterSide} — so that the shorter side has
 * that length and the aspect ratio is kept (torchvision's Resize with one int). Deterministic.
 */
public final class Resize extends ImageOp<Resize.Params> {
    /** The output size. */
    public record Params(int height, int width) {
    }

    private final int height;
    private final int width;
    private final int shorterSide;
    private final Interpolation interpolation;

    private Resize(int height, int width, int shorterSide, Interpolation interpolation, double p) {
        super(p);
        this.height = height;
        this.width = width;
        this.shorterSide = shorterSide;
        this.interpolation = interpolation;
    }

    /** To exactly {@code height × width}. */
    public static Resize to(int height, int width, Interpolation interpolation, double p) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size must be positive, got " + height + "×" + width);
        }
        return new Resize(height, width, 0, interpolation, p);
    }

    /** Shorter side to {@code side}, aspect kept. */
    public static Resize shorterSide(int side, Interpolation interpolation, double p) {
        if (side < 1) {
            throw new IllegalArgumentException("size must be positive, got " + side);
        }
        return new Resize(0, 0, side, interpolation, p);
    }

    @Override
    public int[] outputSize(int inputHeight, int inputWidth) {
        if (shorterSide == 0) {
            return new int[] {height, width};
        }
        if (inputHeight <= inputWidth) {
            return new int[] {shorterSide, (int) ((long) shorterSide * inputWidth / inputHeight)};
        }
        return new int[] {(int) ((long) shorterSide * inputHeight / inputWidth), shorterSide};
    }

    @Override
    protected Params sample(RandomGenerator random, int inputHeight, int inputWidth, int channels) {
        int[] size = outputSize(inputHeight, inputWidth);
        return new Params(size[0], size[1]);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        if (src.rows() == params.height() && src.cols() == params.width()) {
            src.copyTo(dst);
        } else {
            Imgproc.resize(src, dst, new Size(params.width(), params.height()), 0, 0, interpolation.flag());
        }
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("height", params.height(), "width", params.width());
    }
}
