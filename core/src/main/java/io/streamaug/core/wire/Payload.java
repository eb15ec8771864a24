package io.streamaug.core.wire;

/** What a prepared record carries: an image tensor or a text. */
public sealed interface Payload permits Tensor, Text {
}
