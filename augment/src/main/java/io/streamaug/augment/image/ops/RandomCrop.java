package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.BorderMode;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;

/**
 * Pads every side by {@code padding} pixels ({@code fill} or a border mode), then cuts a
 * {@code height × width} window at a uniformly drawn position — the CIFAR recipe (torchvision's
 * RandomCrop with padding).
 */
public final class RandomCrop extends ImageOp<RandomCrop.Params> {
    /** The window's top-left corner in the padded image. */
    public record Params(int top, int left) {
    }

    private final int height;
    private final int width;
    private final int padding;
    private final BorderMode border;
    private final double fill;

    public RandomCrop(int height, int width, int padding, BorderMode border, double fill, double p) {
        super(p);
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size must be positive, got " + height + "×" + width);
        }
        if (padding < 0 || padding > 4096) {
            throw new IllegalArgumentException("padding must be in [0, 4096], got " + padding);
        }
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
        this.border = border;
        this.fill = fill;
    }

    @Override
    public int[] outputSize(int inputHeight, int inputWidth) {
        return new int[] {height, width};
    }

    @Override
    protected Params sample(RandomGenerator random, int inputHeight, int inputWidth, int channels) {
        int paddedHeight = inputHeight + 2 * padding;
        int paddedWidth = inputWidth + 2 * padding;
        if (paddedHeight < height || paddedWidth < width) {
            throw new IllegalArgumentException("RandomCrop " + height + "×" + width + " does not fit a "
                    + inputHeight + "×" + inputWidth + " image with padding " + padding);
        }
        return new Params(random.nextInt(paddedHeight - height + 1), random.nextInt(paddedWidth - width + 1));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Mat padded = src;
        if (padding > 0) {
            padded = workspace.mat(this, 0);
            Core.copyMakeBorder(src, padded, padding, padding, padding, padding, border.flag(), new Scalar(fill, fill, fill));
        }
        Mat window = padded.submat(new Rect(params.left(), params.top(), width, height));
        try {
            window.copyTo(dst);
        } finally {
            window.release();
        }
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("top", params.top(), "left", params.left());
    }
}
