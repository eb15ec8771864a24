package io.streamaug.kafka;

import java.util.Locale;

/** A prepared record too large for the topic it is bound for; the record is dead-lettered instead. */
public final class OversizedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OversizedRecordException(String topic, int bytes, int limit) {
        super(String.format(Locale.ROOT, "prepared record of %,d bytes is over the %,d-byte limit of %s"
                + " (its max.message.bytes less framing): make it smaller in the spec (e.g. Resize for every split)"
                + " or raise the topic's max.message.bytes", bytes, limit, topic));
    }
}
