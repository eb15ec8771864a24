package io.streamaug.augment.image;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;

/**
 * Scratch Mats for ops, owned by one pipeline (one thread): ops are immutable and shared, so their
 * temporaries live here and are reused from record to record, then released with the pipeline.
 * Each op has its own slots, so one op's 232×232 padding buffer is never reallocated into another
 * op's 224×224 float noise field and back on every image.
 */
public final class Workspace implements AutoCloseable {
    static {
        OpenCv.load();
    }

    private final Map<Object, List<Mat>> mats = new IdentityHashMap<>();

    /** Scratch Mat number {@code slot} of {@code owner}: the same object on every call. */
    public Mat mat(Object owner, int slot) {
        List<Mat> slots = mats.computeIfAbsent(owner, k -> new ArrayList<>(2));
        while (slots.size() <= slot) {
            slots.add(new Mat());
        }
        return slots.get(slot);
    }

    private final Map<Object, List<byte[]>> buffers = new IdentityHashMap<>();

    /** A reusable Java byte buffer of exactly {@code size} bytes for {@code owner}. */
    public byte[] bytes(Object owner, int size) {
        return bytes(owner, 0, size);
    }

    /** Reusable byte buffer number {@code slot} of {@code owner}, of exactly {@code size} bytes. */
    public byte[] bytes(Object owner, int slot, int size) {
        List<byte[]> slots = buffers.computeIfAbsent(owner, k -> new ArrayList<>(1));
        while (slots.size() <= slot) {
            slots.add(new byte[0]);
        }
        byte[] buffer = slots.get(slot);
        if (buffer.length != size) {
            buffer = new byte[size];
            slots.set(slot, buffer);
        }
        return buffer;
    }

    @Override
    public void close() {
        buffers.clear();
        mats.values().forEach(slots -> slots.forEach(Mat::release));
        mats.clear();
    }
}
