package io.streamaug.worker;

import io.streamaug.augment.image.AugmentedImage;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The bounded buffer of recent augmented train samples that MixUp/CutMix draw partners from, one
 * ring per dataset (two datasets never mix), kept in a persistent, changelogged state store of
 * the partition's task — so a worker that takes a partition over continues with the same buffer.
 */
final class MixBuffer {
    static final String STORE = "mix-buffer";

    private final KeyValueStore<String, byte[]> store;
    private final int capacity;

    MixBuffer(KeyValueStore<String, byte[]> store, int capacity) {
        this.store = store;
        this.capacity = capacity;
    }

    /** How many samples of {@code dataset} the buffer holds. */
    int size(String dataset) {
        return (int) Math.min(written(dataset), capacity);
    }

    AugmentedImage get(String dataset, int index) {
        byte[] bytes = store.get(dataset + "#" + index);
        return bytes == null ? null : decode(bytes);
    }

    /** Adds a sample, replacing the oldest once the ring is full. */
    void add(String dataset, AugmentedImage image) {
        long written = written(dataset);
        store.put(dataset + "#" + (written % capacity), encode(image));
        store.put(dataset + "#written", ByteBuffer.allocate(8).putLong(written + 1).array());
    }

    private long written(String dataset) {
        byte[] count = store.get(dataset + "#written");
        return count == null ? 0 : ByteBuffer.wrap(count).getLong();
    }

    static byte[] encode(AugmentedImage image) {
        byte[] id = image.id().getBytes(StandardCharsets.UTF_8);
        float[] soft = image.label() instanceof Label.Soft s ? s.weights() : new float[0];
        int hard = image.label() instanceof Label.Hard h ? h.index() : -1;
        ByteBuffer out = ByteBuffer.allocate(4 + id.length + 4 * 6 + 4 + 4 * soft.length + image.hwc().length);
        out.putInt(id.length).put(id).putInt(image.epoch()).putInt(image.repeat()).putInt(image.height()).putInt(image.width())
                .putInt(image.channels()).putInt(hard).putInt(soft.length);
        for (float w : soft) {
            out.putFloat(w);
        }
        return out.put(image.hwc()).array();
    }

    static AugmentedImage decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] id = new byte[in.getInt()];
        in.get(id);
        int epoch = in.getInt();
        int repeat = in.getInt();
        int height = in.getInt();
        int width = in.getInt();
        int channels = in.getInt();
        int hard = in.getInt();
        float[] soft = new float[in.getInt()];
        for (int i = 0; i < soft.length; i++) {
            soft[i] = in.getFloat();
        }
        byte[] hwc = new byte[height * width * channels];
        in.get(hwc);
        Label label = hard >= 0 ? Label.of(hard) : soft.length > 0 ? Label.soft(soft) : Label.none();
        return new AugmentedImage(new String(id, StandardCharsets.UTF_8), Split.TRAIN, epoch, repeat, height, width, channels,
                hwc, label, List.of());
    }
}
