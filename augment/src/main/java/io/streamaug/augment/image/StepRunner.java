package io.streamaug.augment.image;

import io.streamaug.augment.spec.Step;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Runs a spec's steps on one image with one sample's generator: plain ops (each tossing its own
 * {@code p}), {@code one_of} (one step, picked by weight) and {@code some_of} (n distinct steps,
 * run in spec order). Ops ping-pong between two reusable native buffers; {@link #image()} is the
 * current one. One instance per thread, released by {@link #close()}.
 */
final class StepRunner implements AutoCloseable {
    static {
        OpenCv.load(); // before the Mat fields below are initialised
    }

    private final Workspace workspace = new Workspace();
    private Mat current = new Mat();
    private Mat spare = new Mat();

    /** The current image: where a decoder writes the input, and where the steps leave their output. */
    Mat image() {
        return current;
    }

    /** Runs {@code steps} on {@link #image()}, checking and recording each op in {@code labels}. */
    void run(List<Step> steps, RandomGenerator random, LabelTrace labels) {
        for (Step step : steps) {
            runStep(step, random, labels, false);
        }
    }

    /**
     * Runs {@code steps} on {@link #image()}, which is in BGR order when {@code bgr} is set: it is
     * turned to RGB after the first step, which must then work on each channel alone
     * ({@link ReducedDecode#firstOpPerChannel()}), so that every later step sees RGB.
     */
    void run(List<Step> steps, RandomGenerator random, LabelTrace labels, boolean bgr) {
        if (!bgr) {
            run(steps, random, labels);
            return;
        }
        runStep(steps.get(0), random, labels, false);
        toRgb();
        run(steps.subList(1, steps.size()), random, labels);
    }

    /**
     * Runs {@code steps} whose first, a crop, was drawn before decoding: it is applied to
     * {@link #image()}, decoded at the crop's reduction (in BGR order when {@code bgr} is set, turned
     * to RGB after the crop), and recorded with its box in the full image's pixels; the other steps
     * then run as {@link #run(List, RandomGenerator, LabelTrace)} does.
     */
    void run(List<Step> steps, RandomGenerator random, LabelTrace labels, ReducedDecode.Crop first, boolean bgr) {
        first.apply(current, spare, workspace);
        labels.applied(first.op().name(), first.trace(), ((Step.Op) steps.get(0)).rule());
        swap();
        if (bgr) {
            toRgb();
        }
        run(steps.subList(1, steps.size()), random, labels);
    }

    private void toRgb() {
        Imgproc.cvtColor(current, current, Imgproc.COLOR_BGR2RGB);
    }

    private void runStep(Step step, RandomGenerator random, LabelTrace labels, boolean forced) {
        if (step instanceof Step.Op opStep) {
            if (!forced && !opStep.op().toss(random)) {
                return;
            }
            applyOp(opStep, random, labels);
        } else if (step instanceof Step.OneOf oneOf) {
            if (random.nextDouble() >= oneOf.p()) {
                return;
            }
            runStep(oneOf.steps().get(pickWeighted(oneOf.steps(), random)), random, labels, true);
        } else if (step instanceof Step.SomeOf someOf) {
            if (random.nextDouble() >= someOf.p()) {
                return;
            }
            int n = someOf.min() + random.nextInt(someOf.max() - someOf.min() + 1);
            int size = someOf.steps().size();
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            for (int i = 0; i < n; i++) { // partial Fisher–Yates: n distinct steps
                int j = i + random.nextInt(size - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            int[] chosen = Arrays.copyOf(order, n);
            Arrays.sort(chosen);
            for (int index : chosen) {
                runStep(someOf.steps().get(index), random, labels, true);
            }
        }
    }

    private static int pickWeighted(List<Step> steps, RandomGenerator random) {
        double total = 0;
        double[] weights = new double[steps.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = steps.get(i) instanceof Step.Op op ? op.op().p() : 1.0;
            total += weights[i];
        }
        double draw = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private void applyOp(Step.Op step, RandomGenerator random, LabelTrace labels) {
        if (!labels.allows(step.rule())) {
            return;
        }
        ImageOp<?> op = step.op();
        Object params = op.applyRandom(current, spare, random, workspace);
        Map<String, Object> described = op.trace(params);
        labels.applied(op.name(), described, step.rule());
        swap();
    }

    /** The op's output, in {@code spare}, becomes the current image. */
    private void swap() {
        Mat swap = current;
        current = spare;
        spare = swap;
    }

    @Override
    public void close() {
        current.release();
        spare.release();
        workspace.close();
    }
}
