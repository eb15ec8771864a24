package io.streamaug.augment.image.mix;

import static io.streamaug.core.Decimals.round4;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

/**
 * CutMix (Yun et al., 2019): pastes a box of the partner into the sample. The box has area share
 * 1 − λ (λ ~ Beta(α, α)) and a uniformly drawn centre, and is clipped to the image; the label weight
 * is then recomputed from the clipped box, so it equals the share of the image the sample keeps.
 */
public final class CutMix extends MixOp<CutMix.Params> {
    /** The pasted box (after clipping) and the sample's share of the image. */
    public record Params(int top, int left, int height, int width, double sampleShare) {
    }

    public CutMix(double alpha) {
        super(alpha);
    }

    @Override
    public Params sample(RandomGenerator random, int height, int width) {
        double lambda = drawLambda(random);
        double cut = Math.sqrt(1 - lambda);
        int boxHeight = (int) (height * cut);
        int boxWidth = (int) (width * cut);
        int cy = random.nextInt(height);
        int cx = random.nextInt(width);
        int top = clamp(cy - boxHeight / 2, height);
        int bottom = clamp(cy + boxHeight / 2, height);
        int left = clamp(cx - boxWidth / 2, width);
        int right = clamp(cx + boxWidth / 2, width);
        int area = (bottom - top) * (right - left);
        return new Params(top, left, bottom - top, right - left, 1 - (double) area / ((double) height * width));
    }

    private static int clamp(int value, int size) {
        return Math.max(0, Math.min(size, value));
    }

    @Override
    public void apply(Mat sample, Mat partner, Mat dst, Params params) {
        sample.copyTo(dst);
        if (params.height() == 0 || params.width() == 0) {
            return;
        }
        Rect box = new Rect(params.left(), params.top(), params.width(), params.height());
        Mat from = partner.submat(box);
        Mat to = dst.submat(box);
        try {
            from.copyTo(to);
        } finally {
            from.release();
            to.release();
        }
    }

    @Override
    public double sampleWeight(Params params) {
        return params.sampleShare();
    }

    @Override
    public Map<String, Object> describe(Params params) {
        return Map.of("top", params.top(), "left", params.left(), "height", params.height(), "width", params.width(),
                "lambda", round4(params.sampleShare()));
    }
}
