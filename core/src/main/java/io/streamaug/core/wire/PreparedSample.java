package io.streamaug.core.wire;

import io.streamaug.core.Split;
import java.util.List;

/**
 * A decoded, augmented (train) or only normalised (val/test) sample, as workers write it and
 * trainers read it. {@code repeat} numbers the K augmented variants of one input; {@code statsVersion}
 * names the training-set statistics it was normalised with (0 = fixed mean/std from the spec).
 */
public record PreparedSample(
        String id,
        String dataset,
        Split split,
        int epoch,
        int repeat,
        long statsVersion,
        Payload payload,
        Label label,
        List<OpTrace> trace) {

    public PreparedSample {
        if (id == null) {
            throw new IllegalArgumentException("sample id must not be null");
        }
        if (dataset == null) {
            throw new IllegalArgumentException("dataset must not be null (use \"\" for none)");
        }
        if (split == null || payload == null || label == null) {
            throw new IllegalArgumentException("split, payload and label are required");
        }
        if (epoch < 0 || repeat < 0) {
            throw new IllegalArgumentException("epoch and repeat must be ≥ 0");
        }
        trace = trace == null ? List.of() : List.copyOf(trace);
    }

    /** The payload as a tensor. */
    public Tensor tensor() {
        if (payload instanceof Tensor tensor) {
            return tensor;
        }
        throw new IllegalStateException("sample " + id + " holds text, not a tensor");
    }
}
