package io.streamaug.core.wire;

/** Bytes that are not a valid prepared record; the message names what is wrong and where. */
public class MalformedRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String message) {
        super(message);
    }
}
