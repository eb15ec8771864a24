package io.streamaug.core.cli;

/**
 * A configuration the user can fix: an unknown key, a value of the wrong type or out of range, an
 * unreadable config file. Like a {@link UsageException}, the launcher prints its message as one
 * line (naming the key) and exits with status 2; it is its own type so that code can tell a bad
 * config from a bad command line.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /** @param key the config key at fault, or {@code null} when the problem is not one key's (e.g. an unreadable file) */
    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The config key at fault ({@code null} when none is). */
    public String key() {
        return key;
    }
}
