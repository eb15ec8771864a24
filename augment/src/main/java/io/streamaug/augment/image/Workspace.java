package io.streamaug.augment.image;

import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;

/**
 * Scratch Mats for ops, owned by one pipeline (one thread): ops are immutable and shared, so their
 * temporaries live here and are reused from record to record, then released with the pipeline.
 */
public final class Workspace implements AutoCloseable {
    static {
        OpenCv.load();
    }

    private final List<Mat> mats = new ArrayList<>();

    /** Scratch Mat number {@code slot}: the same object on every call, reallocated by OpenCV only when a size changes. */
    public Mat mat(int slot) {
        while (mats.size() <= slot) {
            mats.add(new Mat());
        }
        return mats.get(slot);
    }

    @Override
    public void close() {
        mats.forEach(Mat::release);
        mats.clear();
    }
}
