package io.streamaug.core;

import java.util.Locale;

/** Which part of a dataset a sample belongs to. Only {@link #TRAIN} is ever augmented or counted in stats. */
public enum Split {
    TRAIN(0), VAL(1), TEST(2);

    private final int code;

    Split(int code) {
        this.code = code;
    }

    /**
     * The prepared record's split byte (docs/wire-format.md). Explicit, not {@code ordinal()}: a new
     * constant or a reordering must never change what records already on a topic mean.
     */
    public int code() {
        return code;
    }

    /**
     * The split a wire code stands for.
     *
     * @throws IllegalArgumentException naming the code and the known ones
     */
    public static Split fromCode(int code) {
        for (Split split : values()) {
            if (split.code == code) {
                return split;
            }
        }
        throw new IllegalArgumentException("unknown split code " + code + " (0 train, 1 val, 2 test)");
    }

    /** The wire and header spelling: {@code train}, {@code val}, {@code test}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a header value; a missing header means {@code train}, as DESIGN says.
     *
     * @throws IllegalArgumentException naming the bad value and the allowed ones
     */
    public static Split parse(String value) {
        if (value == null || value.isEmpty()) {
            return TRAIN;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "train" -> TRAIN;
            case "val", "validation" -> VAL;
            case "test" -> TEST;
            default -> throw new IllegalArgumentException(
                    "split '" + value + "' is not one of train, val, test");
        };
    }
}
