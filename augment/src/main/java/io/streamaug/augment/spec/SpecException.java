package io.streamaug.augment.spec;

/** A spec that does not validate; the message starts with the YAML path of the bad key. */
public final class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }
}
