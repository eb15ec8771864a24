package io.streamaug.core.cli;

/**
 * A problem the user can fix (a bad value, a missing file, an unreachable broker). The launcher
 * prints its message as one line and exits with status 2; no stack trace.
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
