package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Cuts a box of random area share ({@code scaleRange}) and aspect ratio ({@code ratioRange},
 * drawn log-uniformly) and resizes it to {@code height × width}. torchvision's sampling: ten tries
 * for a box that fits, then the centre crop of the largest box whose ratio is in range. As a
 * split's first op on a JPEG, its box is drawn before decoding, on the full image's size, and the
 * image decoded as small as that box allows ({@link io.streamaug.augment.image.ReducedDecode}); the
 * trace gives the box in the full image's pixels either way, and the {@code reduction} when there was one.
 */
public final class RandomResizedCrop extends ImageOp<RandomResizedCrop.Params> {
    /** The box cut from the input. */
    public record Params(int top, int left, int boxHeight, int boxWidth) {
    }

    private final int height;
    private final int width;
    private final DoubleRange scaleRange;
    private final DoubleRange ratioRange;
    private final Interpolation interpolation;

    public RandomResizedCrop(int height, int width, DoubleRange scaleRange, DoubleRange ratioRange,
            Interpolation interpolation, double p) {
        super(p);
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("size must be positive, got " + height + "×" + width);
        }
        if (scaleRange.min() <= 0) {
            throw new IllegalArgumentException("scale_range must be within (0, 1], got " + scaleRange.toList());
        }
        if (ratioRange.min() <= 0) {
            throw new IllegalArgumentException("ratio_range must be positive, got " + ratioRange.toList());
        }
        this.height = height;
        this.width = width;
        this.scaleRange = scaleRange.within("scale_range", 0, 1);
        this.ratioRange = ratioRange.within("ratio_range", 1e-3, 1e3);
        this.interpolation = interpolation;
    }

    /** The range of the box's area share. */
    public DoubleRange scaleRange() {
        return scaleRange;
    }

    /** The range of the box's aspect ratio (width / height). */
    public DoubleRange ratioRange() {
        return ratioRange;
    }

    @Override
    public int[] outputSize(int inputHeight, int inputWidth) {
        return new int[] {height, width};
    }

    @Override
    protected Params sample(RandomGenerator random, int inputHeight, int inputWidth, int channels) {
        double area = (double) inputHeight * inputWidth;
        double logMin = Math.log(ratioRange.min());
        double logMax = Math.log(ratioRange.max());
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * scaleRange.draw(random);
            double ratio = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
            int w = (int) Math.round(Math.sqrt(targetArea * ratio));
            int h = (int) Math.round(Math.sqrt(targetArea / ratio));
            if (w > 0 && h > 0 && w <= inputWidth && h <= inputHeight) {
                return new Params(random.nextInt(inputHeight - h + 1), random.nextInt(inputWidth - w + 1), h, w);
            }
        }
        double inRatio = (double) inputWidth / inputHeight;
        int w;
        int h;
        if (inRatio < ratioRange.min()) {
            w = inputWidth;
            h = (int) Math.round(w / ratioRange.min());
        } else if (inRatio > ratioRange.max()) {
            h = inputHeight;
            w = (int) Math.round(h * ratioRange.max());
        } else {
            w = inputWidth;
            h = inputHeight;
        }
        h = Math.max(1, Math.min(h, inputHeight));
        w = Math.max(1, Math.min(w, inputWidth));
        return new Params((inputHeight - h) / 2, (inputWidth - w) / 2, h, w);
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        Mat box = src.submat(new Rect(params.left(), params.top(), params.boxWidth(), params.boxHeight()));
        try {
            Imgproc.resize(box, dst, new Size(width, height), 0, 0, interpolation.flag());
        } finally {
            box.release();
        }
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("top", params.top(), "left", params.left(), "height", params.boxHeight(), "width", params.boxWidth());
    }
}
