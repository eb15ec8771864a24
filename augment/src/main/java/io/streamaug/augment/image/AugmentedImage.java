package io.streamaug.augment.image;

import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import java.util.List;

/**
 * A decoded and augmented image held in Java memory (H×W×C bytes, RGB order for colour) with its
 * label and trace: what a pipeline hands over for mixing with a partner, or to preview and files.
 */
public record AugmentedImage(String id, Split split, int epoch, int repeat, int height, int width, int channels,
        byte[] hwc, Label label, List<OpTrace> trace) {
    public AugmentedImage {
        if (hwc.length != height * width * channels) {
            throw new IllegalArgumentException("pixels do not match " + height + "×" + width + "×" + channels);
        }
        trace = List.copyOf(trace);
    }
}
