package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Workspace;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/** A mirror about one axis: {@link HorizontalFlip} and {@link VerticalFlip} differ only in OpenCV's flip code. */
abstract sealed class Flip extends DeterministicOp permits HorizontalFlip, VerticalFlip {
    private final int flipCode;

    Flip(double p, int flipCode) {
        super(p);
        this.flipCode = flipCode;
    }

    @Override
    protected final void transform(Mat src, Mat dst, Workspace workspace) {
        Core.flip(src, dst, flipCode);
    }
}
