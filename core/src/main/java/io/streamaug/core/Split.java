package io.streamaug.core;

import java.util.Locale;

/** Which part of a dataset a sample belongs to. Only {@link #TRAIN} is ever augmented or counted in stats. */
public enum Split {
    TRAIN, VAL, TEST;

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
