package io.streamaug.augment.image.mix;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ChengBetaSampler;
import org.opencv.core.Mat;

/**
 * Mixes a training sample with a partner of the same size. The drawn parameters are shared by the
 * pixels and the labels, so they never disagree: {@link #sampleWeight} is the label weight of the
 * sample, the partner gets the rest.
 *
 * @param <P> the drawn parameters
 */
public abstract class MixOp<P extends Record> {
    private final double alpha;

    protected MixOp(double alpha) {
        if (!(alpha > 0 && alpha <= 100)) {
            throw new IllegalArgumentException("alpha must be in (0, 100], got " + alpha);
        }
        this.alpha = alpha;
    }

    public final double alpha() {
        return alpha;
    }

    public String name() {
        return getClass().getSimpleName();
    }

    /** λ ~ Beta(α, α), drawn from our own seeded generator. */
    protected final double drawLambda(RandomGenerator random) {
        UniformRandomProvider source = random::nextLong;
        return ChengBetaSampler.of(source, alpha, alpha).sample();
    }

    /** Draws the mixing parameters for images of the given size. */
    public abstract P sample(RandomGenerator random, int height, int width);

    /** Writes the mix of {@code sample} and {@code partner} into {@code dst}; reads both, changes neither. */
    public abstract void apply(Mat sample, Mat partner, Mat dst, P params);

    /** The label weight of the sample (the partner's is 1 − this). */
    public abstract double sampleWeight(P params);

    /** The drawn parameters for the trace. */
    public abstract Map<String, Object> describe(P params);

    /** Label mixing, a pure function: w·a + (1 − w)·b. */
    public static float[] mixLabels(float[] a, float[] b, double weight) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("labels over " + a.length + " and " + b.length + " classes cannot mix");
        }
        float[] mixed = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            mixed[i] = (float) (weight * a[i] + (1 - weight) * b[i]);
        }
        return mixed;
    }

    /** Label smoothing: (1 − ε)·y + ε/K. */
    public static float[] smooth(float[] label, double epsilon) {
        float[] out = new float[label.length];
        for (int i = 0; i < label.length; i++) {
            out[i] = (float) ((1 - epsilon) * label[i] + epsilon / label.length);
        }
        return out;
    }
}
