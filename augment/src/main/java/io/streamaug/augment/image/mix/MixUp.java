package io.streamaug.augment.image.mix;

import static io.streamaug.core.Decimals.round4;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/** MixUp (Zhang et al., 2018): λ·sample + (1 − λ)·partner, pixels and labels alike, λ ~ Beta(α, α). */
public final class MixUp extends MixOp<MixUp.Params> {
    /** The drawn λ. */
    public record Params(double lambda) {
    }

    public MixUp(double alpha) {
        super(alpha);
    }

    @Override
    public Params sample(RandomGenerator random, int height, int width) {
        return new Params(drawLambda(random));
    }

    @Override
    public void apply(Mat sample, Mat partner, Mat dst, Params params) {
        Core.addWeighted(sample, params.lambda(), partner, 1 - params.lambda(), 0, dst);
    }

    @Override
    public double sampleWeight(Params params) {
        return params.lambda();
    }

    @Override
    public Map<String, Object> describe(Params params) {
        return Map.of("lambda", round4(params.lambda()));
    }
}
