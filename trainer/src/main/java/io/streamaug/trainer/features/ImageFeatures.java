package io.streamaug.trainer.features;

import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import java.util.Map;

/** Image tensors of one shape, (C, H, W) flattened; the uint8 affine decode is fused into the copy. */
public record ImageFeatures(int channels, int height, int width) implements Featuriser {
    public ImageFeatures {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "×" + height + "×" + width);
        }
    }

    public static ImageFeatures of(Tensor tensor) {
        return new ImageFeatures(tensor.channels(), tensor.height(), tensor.width());
    }

    @Override
    public int size() {
        return channels * height * width;
    }

    @Override
    public void write(PreparedSample sample, float[] dst, int offset) {
        ((Tensor) sample.payload()).copyNormalisedTo(dst, offset);
    }

    @Override
    public void check(PreparedSample sample) {
        if (!(sample.payload() instanceof Tensor tensor)) {
            throw new IllegalArgumentException("sample " + sample.id() + " is text; this model takes " + describe());
        }
        if (tensor.channels() != channels || tensor.height() != height || tensor.width() != width) {
            throw new IllegalArgumentException("sample " + sample.id() + " is " + tensor.channels() + "×" + tensor.height()
                    + "×" + tensor.width() + "; this model takes " + describe());
        }
        if (tensor.dtype() != Dtype.UINT8) { // uint8's scale and offset are checked finite by the codec
            float[] values = tensor.toNormalisedFloats();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException("sample " + sample.id() + " holds " + values[i] + " at element " + i
                            + ": a non-finite input would turn the model's weights into NaN");
                }
            }
        }
    }

    @Override
    public String describe() {
        return "images " + channels + "×" + height + "×" + width;
    }

    @Override
    public Map<String, Object> toMap() {
        return Map.of("kind", "image", "channels", channels, "height", height, "width", width);
    }
}
