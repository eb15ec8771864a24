package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;

/**
 * Cuts the central {@code height × width} window; an image smaller than that is first padded with
 * zeros on both sides (torchvision's CenterCrop). Deterministic.
 */
public final class CenterCrop extends ImageOp<CenterCrop.Params> {
    /** Where the window starts in the (padded) image, and the padding used. */
    public record Params(int top, int left, int padTop, int padLeft) {
    }

    private final int height;
    private final int width;

    public CenterCrop(int height, int width, double p) {
        super(p);
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size must be positive, got " + height + "×" + width);
        }
        this.height = height;
        this.width = width;
    }

    @Override
    public int[] outputSize(int inputHeight, int inputWidth) {
        return new int[] {height, width};
    }

    @Override
    protected Params sample(RandomGenerator random, int inputHeight, int inputWidth, int channels) {
        int padTop = Math.max(0, (height - inputHeight + 1) / 2);
        int padLeft = Math.max(0, (width - inputWidth + 1) / 2);
        int paddedHeight = Math.max(inputHeight, height);
        int paddedWidth = Math.max(inputWidth, width);
        return new Params((int) Math.round((paddedHeight - height) / 2.0), (int) Math.round((paddedWidth - width) / 2.0),
                padTop, padLeft);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Mat source = src;
        if (params.padTop() > 0 || params.padLeft() > 0) {
            source = workspace.mat(this, 0);
            int padBottom = Math.max(0, height - src.rows() - params.padTop());
            int padRight = Math.max(0, width - src.cols() - params.padLeft());
            Core.copyMakeBorder(src, source, params.padTop(), padBottom, params.padLeft(), padRight,
                    Core.BORDER_CONSTANT, Scalar.all(0));
        }
        Mat window = source.submat(new Rect(params.left(), params.top(), width, height));
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
