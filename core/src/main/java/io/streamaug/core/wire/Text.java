package io.streamaug.core.wire;

/** A (possibly augmented) text, UTF-8 on the wire. */
public record Text(String text) implements Payload {
    public Text {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
    }
}
