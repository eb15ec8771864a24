package io.streamaug.trainer.features;

import io.streamaug.core.wire.PreparedSample;
import java.util.Map;

/**
 * Turns a prepared sample into the network's input row. It is part of the model: a checkpoint
 * stores it ({@link #toMap()}) so that evaluation featurises exactly as training did.
 */
public sealed interface Featuriser permits ImageFeatures, HashedTextFeatures {
    /** Length of the input row. */
    int size();

    /**
     * Writes the sample's row into {@code dst} at {@code offset} (all {@link #size()} values).
     *
     * @throws IllegalArgumentException when the sample does not fit this featuriser
     */
    void write(PreparedSample sample, float[] dst, int offset);

    /** @throws IllegalArgumentException when the sample does not fit this featuriser */
    void check(PreparedSample sample);

    /** For messages, e.g. "images 1×28×28". */
    String describe();

    Map<String, Object> toMap();

    /**
     * The featuriser a model needs, fixed by its first sample: hashed text for the {@code text}
     * model, the sample's image shape otherwise.
     *
     * @throws IllegalArgumentException when an image model gets a text sample
     */
    static Featuriser forModel(String model, int textFeatures, PreparedSample first) {
        if ("text".equals(model)) {
            return new HashedTextFeatures(textFeatures);
        }
        if (first.payload() instanceof io.streamaug.core.wire.Tensor tensor) {
            return ImageFeatures.of(tensor);
        }
        throw new IllegalArgumentException("sample " + first.id() + " is text; the " + model
                + " model takes images (use model text)");
    }

    static Featuriser fromMap(Map<String, Object> map) {
        String kind = String.valueOf(map.get("kind"));
        switch (kind) {
            case "image":
                return new ImageFeatures(num(map, "channels"), num(map, "height"), num(map, "width"));
            case "hashed-text":
                return new HashedTextFeatures(num(map, "dim"));
            default:
                throw new IllegalArgumentException("unknown featuriser kind '" + kind + "'");
        }
    }

    private static int num(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("featuriser lacks '" + key + "'");
        }
        return n.intValue();
    }
}
