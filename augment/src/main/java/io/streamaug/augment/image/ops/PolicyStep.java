package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.List;
import org.opencv.core.Mat;

/** One op a policy drew, with its signed magnitude. */
record PolicyStep(PolicyOp op, double magnitude) {
    /**
     * Runs {@code steps} in order from {@code src} into {@code dst} (a different Mat), through two
     * scratch Mats of {@code owner}; no steps copies the image.
     */
    static void run(List<PolicyStep> steps, Mat src, Mat dst, Interpolation interpolation, double fill, Workspace workspace,
            Object owner) {
        if (steps.isEmpty()) {
            src.copyTo(dst);
            return;
        }
        Mat current = src;
        for (int i = 0; i < steps.size(); i++) {
            Mat out = i == steps.size() - 1 ? dst : workspace.mat(owner, i % 2);
            steps.get(i).op().apply(current, out, steps.get(i).magnitude(), interpolation, fill, workspace);
            current = out;
        }
    }

    /** The ops' names, for traces. */
    static List<String> names(List<PolicyStep> steps) {
        return steps.stream().map(s -> s.op().traceName()).toList();
    }

    /** The magnitudes to four decimals, for traces. */
    static List<Double> magnitudes(List<PolicyStep> steps) {
        return steps.stream().map(s -> round4(s.magnitude())).toList();
    }
}
