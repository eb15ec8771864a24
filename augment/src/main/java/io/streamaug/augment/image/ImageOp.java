package io.streamaug.augment.image;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * An augmentation op on an 8-bit image (1 or 3 channels). Subclasses are small final classes:
 * validated immutable parameters, a {@code record} of drawn parameters, {@link #sample} as the
 * only place randomness happens, and a pure {@link #apply} that writes {@code dst} and never
 * touches {@code src}. The probability {@code p} is enforced here, once, for every op. Ops are
 * shared between threads: temporaries come from the caller's {@link Workspace}.
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

    /** The size (height, width) of the output for an input of the given size; most ops keep it. */
    public int[] outputSize(int height, int width) {
        return new int[] {height, width};
    }

    /** Draws this op's parameters for an image of the given size. */
    protected abstract P sample(RandomGenerator random, int height, int width, int channels);

    /** Applies the op with drawn parameters: reads {@code src}, writes {@code dst}. */
    protected abstract void apply(Mat src, Mat dst, P params, Workspace workspace);

    /** The drawn parameters as they go into the trace (JSON scalars and lists). */
    protected abstract Map<String, Object> describe(P params);

    /** Draws the coin toss of {@code p}: always one draw, so later ops see the same stream whatever p is. */
    public final boolean toss(RandomGenerator random) {
        return random.nextDouble() < p;
    }

    /** Draws the parameters and applies the op (the toss already won). */
    public final P applyRandom(Mat src, Mat dst, RandomGenerator random, Workspace workspace) {
        P params = sample(random, src.rows(), src.cols(), src.channels());
        apply(src, dst, params, workspace);
        return params;
    }

    /** The trace entry of an applied op. */
    public final Map<String, Object> trace(Object params) {
        @SuppressWarnings("unchecked")
        P typed = (P) params;
        return describe(typed);
    }
}
