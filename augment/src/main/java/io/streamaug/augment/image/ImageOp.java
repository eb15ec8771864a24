package io.streamaug.augment.image;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * An augmentation op on an image. Subclasses are small final classes: validated immutable
 * parameters, a {@code record} of drawn parameters, {@link #sample} as the only place randomness
 * happens, and a pure {@link #apply} that writes {@code dst} and never touches {@code src}.
 * The probability {@code p} is enforced here, once, for every op.
 *
 * @param <P> the drawn parameters
 */
public abstract class ImageOp<P extends Record> {
    private final double p;

    protected ImageOp(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    public final double p() {
        return p;
    }

    /** The op's name in specs and traces, e.g. {@code HorizontalFlip}. */
    public String name() {
        return getClass().getSimpleName();
    }

    /** Draws this op's parameters for an image of the given size. */
    protected abstract P sample(RandomGenerator random, int height, int width, int channels);

    /** Applies the op with drawn parameters: reads {@code src}, writes {@code dst} (may be reallocated). */
    protected abstract void apply(Mat src, Mat dst, P params);

    /** The drawn parameters as they go into the trace. */
    protected abstract Map<String, Object> describe(P params);

    /**
     * Decides with probability {@code p} whether the op applies; if it does, draws its parameters
     * and applies it into {@code dst}.
     *
     * @return the drawn parameters, or {@code null} when the op did not apply (dst untouched)
     */
    public final P maybeApply(Mat src, Mat dst, RandomGenerator random) {
        // Always consume the draw, so later ops see the same stream whatever p is.
        double draw = random.nextDouble();
        if (draw >= p) {
            return null;
        }
        P params = sample(random, src.rows(), src.cols(), src.channels());
        apply(src, dst, params);
        return params;
    }

    /** The trace entry of an applied op. */
    public final Map<String, Object> trace(Object params) {
        @SuppressWarnings("unchecked")
        P typed = (P) params;
        return describe(typed);
    }
}
