package io.streamaug.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A normalised image tensor in C×H×W order. Float types hold the normalised values (little-endian);
 * {@link Dtype#UINT8} holds quantised values q with per-channel affine parameters, so that the
 * normalised value is {@code q · scale[c] + offset[c]} — a record no bigger than the raw pixels.
 * The tensor takes ownership of the arrays it is given; treat them as read-only.
 */
public final class Tensor implements Payload {
    private final Dtype dtype;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] data;
    private final float[] scale;
    private final float[] offset;

    private Tensor(Dtype dtype, int channels, int height, int width, byte[] data, float[] scale, float[] offset) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("tensor shape must be positive, got "
                    + channels + "×" + height + "×" + width);
        }
        long expected = (long) channels * height * width * dtype.bytes();
        if (data.length != expected) {
            throw new IllegalArgumentException("tensor " + channels + "×" + height + "×" + width + " " + dtype
                    + " needs " + expected + " bytes, got " + data.length);
        }
        if (dtype == Dtype.UINT8) {
            if (scale.length != channels || offset.length != channels) {
                throw new IllegalArgumentException("uint8 tensor needs one scale and one offset per channel ("
                        + channels + "), got " + scale.length + " and " + offset.length);
            }
            for (int c = 0; c < channels; c++) {
                if (!Float.isFinite(scale[c]) || !Float.isFinite(offset[c])) {
                    throw new IllegalArgumentException("uint8 scale and offset must be finite");
                }
            }
        }
        this.dtype = dtype;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
        this.scale = scale;
        this.offset = offset;
    }

    /** Quantised pixels (C×H×W) with per-channel affine normalisation parameters. */
    public static Tensor uint8(int channels, int height, int width, byte[] pixels, float[] scale, float[] offset) {
        return new Tensor(Dtype.UINT8, channels, height, width, pixels, scale, offset);
    }

    /** Float32 or float16 tensor of already normalised values (C×H×W). */
    public static Tensor ofFloats(Dtype dtype, int channels, int height, int width, float[] values) {
        if (dtype == Dtype.UINT8) {
            throw new IllegalArgumentException("use Tensor.uint8 for quantised tensors");
        }
        ByteBuffer buffer = ByteBuffer.allocate(values.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == Dtype.FLOAT32) {
            buffer.asFloatBuffer().put(values);
        } else {
            for (float v : values) {
                buffer.putShort(Half.fromFloat(v));
            }
        }
        return new Tensor(dtype, channels, height, width, buffer.array(), new float[0], new float[0]);
    }

    /**
     * A float32 or float16 tensor from its little-endian element bytes (C×H×W), as written by a
     * producer that converted in bulk; the tensor takes ownership of {@code data}.
     */
    public static Tensor ofRaw(Dtype dtype, int channels, int height, int width, byte[] data) {
        if (dtype == Dtype.UINT8) {
            throw new IllegalArgumentException("use Tensor.uint8 for quantised tensors");
        }
        return new Tensor(dtype, channels, height, width, data, new float[0], new float[0]);
    }

    static Tensor fromWire(Dtype dtype, int channels, int height, int width, byte[] data, float[] scale, float[] offset) {
        try {
            return new Tensor(dtype, channels, height, width, data, scale, offset);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException(e.getMessage());
        }
    }

    public Dtype dtype() {
        return dtype;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int elementCount() {
        return channels * height * width;
    }

    /** The raw element bytes as on the wire (not a copy: do not modify). */
    public byte[] rawData() {
        return data;
    }

    /** Per-channel scale of a uint8 tensor (a copy); empty for float types. */
    public float[] scale() {
        return scale.clone();
    }

    /** Per-channel offset of a uint8 tensor (a copy); empty for float types. */
    public float[] offset() {
        return offset.clone();
    }

    /**
     * Writes the normalised values (C×H×W) into {@code dst} from {@code dstOffset}: the trainer's
     * batch copy, with the uint8 affine decode fused in, and no allocation.
     */
    public void copyNormalisedTo(float[] dst, int dstOffset) {
        int plane = height * width;
        switch (dtype) {
            case UINT8 -> {
                for (int c = 0; c < channels; c++) {
                    float s = scale[c];
                    float o = offset[c];
                    int base = c * plane;
                    for (int i = 0; i < plane; i++) {
                        dst[dstOffset + base + i] = (data[base + i] & 0xff) * s + o;
                    }
                }
            }
            case FLOAT32 -> ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                    .get(dst, dstOffset, elementCount());
            case FLOAT16 -> {
                ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0, n = elementCount(); i < n; i++) {
                    dst[dstOffset + i] = Half.toFloat(buffer.getShort(i * 2));
                }
            }
        }
    }

    /** The normalised values as a new array (C×H×W). */
    public float[] toNormalisedFloats() {
        float[] values = new float[elementCount()];
        copyNormalisedTo(values, 0);
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && channels == t.channels && height == t.height
                && width == t.width && Arrays.equals(data, t.data) && Arrays.equals(scale, t.scale)
                && Arrays.equals(offset, t.offset);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + dtype.hashCode() + channels * 7 + height * 13 + width;
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + channels + "×" + height + "×" + width + "]";
    }
}
