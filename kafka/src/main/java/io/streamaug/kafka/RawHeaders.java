package io.streamaug.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

    /**
     * The value of a header as the raw-record contract reads it, or {@code null} when absent: it
     * must be valid UTF-8, and a header given more than once must give the same value each time
     * (which of two different labels would be meant?).
     *
     * @throws IllegalArgumentException naming the header and what is wrong with it
     */
    public static String strict(Headers headers, String name) {
        String value = null;
        int count = 0;
        for (Header header : headers.headers(name)) {
            String next = header.value() == null ? null : utf8(name, header.value());
            if (count++ > 0 && !java.util.Objects.equals(value, next)) {
                throw new IllegalArgumentException("header '" + name + "' appears " + count(headers, name)
                        + " times with different values; give it once");
            }
            value = next;
        }
        return value;
    }

    private static int count(Headers headers, String name) {
        int n = 0;
        for (Header ignored : headers.headers(name)) {
            n++;
        }
        return n;
    }

    private static String utf8(String name, byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("header '" + name + "' is not valid UTF-8 (" + value.length
                    + " bytes); header values are UTF-8 strings");
        }
    }

    /** Adds a UTF-8 header. */
    public static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
