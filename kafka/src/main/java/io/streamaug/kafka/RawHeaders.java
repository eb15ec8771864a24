package io.streamaug.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names of raw records, as any Kafka client writes them (e.g. {@code kcat -H label=3 -H split=train}).
 * All values are UTF-8 strings.
 */
public final class RawHeaders {
    /** Class index ({@code 3}) or class name ({@code Dress}). */
    public static final String LABEL = "label";
    /** {@code train} (default), {@code val} or {@code test}. */
    public static final String SPLIT = "split";
    /** Dataset name; selects class names, channels and stats. */
    public static final String DATASET = "dataset";
    /** MIME type of the value, e.g. {@code image/png} or {@code text/plain; charset=utf-8}. */
    public static final String CONTENT_TYPE = "content-type";
    /** Replay number of the training split (0-based); absent means 0. */
    public static final String EPOCH = "epoch";

    private RawHeaders() {
    }

    /** The last value of a header as a string, or {@code null} when absent. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Adds a UTF-8 header. */
    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
