package io.streamaug.core.wire;

/** Element type of a prepared tensor, with its wire code and size in bytes. */
public enum Dtype {
    /** Quantised: value = q · scale[c] + offset[c], the affine parameters carried per channel. */
    UINT8(1, 1),
    FLOAT16(2, 2),
    FLOAT32(3, 4);

    private final int code;
    private final int bytes;

    Dtype(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    public int bytes() {
        return bytes;
    }

    static Dtype fromCode(int code) {
        for (Dtype dtype : values()) {
            if (dtype.code == code) {
                return dtype;
            }
        }
        throw new MalformedRecordException("unknown dtype code " + code + " (known: 1 uint8, 2 float16, 3 float32)");
    }
}
