package io.streamaug.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;

/**
 * The {@code ${provider:path:key}} references in client settings (Kafka's config providers, e.g. a
 * Kubernetes Secret mounted as a directory and read with {@link DirectoryConfigProvider}), checked
 * before any client starts. Kafka leaves a reference it cannot resolve in place, so a missing mount
 * would otherwise reach the SASL login as a malformed JAAS line; here it is one line naming the file.
 * Resolved values are neither kept nor shown: messages name only the reference.
 */
final class ConfigReferences {
    private static final String PROVIDERS = "config.providers";

    private ConfigReferences() {
    }

    /**
     * Checks that every reference in {@code settings} resolves as the clients will resolve it.
     *
     * @throws IllegalArgumentException naming the first setting whose reference does not, and what to do
     */
    static void check(Map<String, String> settings) {
        Set<String> aliases = Arrays.stream(settings.getOrDefault(PROVIDERS, "").split(","))
                .map(String::strip).filter(a -> !a.isEmpty()).collect(Collectors.toSet());
        boolean any = false;
        for (var setting : settings.entrySet()) {
            Matcher ref = ConfigTransformer.DEFAULT_PATTERN.matcher(setting.getValue());
            // Without config.providers only a value that is wholly a reference is taken for one: a password may hold "${".
            while (ref.find() && (!aliases.isEmpty() || ref.group().equals(setting.getValue().strip()))) {
                any = true;
                String alias = ref.group(1);
                if (!aliases.contains(alias)) {
                    throw new IllegalArgumentException(setting.getKey() + " refers to " + ref.group() + ", but " + PROVIDERS
                            + " does not name '" + alias + "'; add " + PROVIDERS + "=" + alias + " and " + PROVIDERS + "."
                            + alias + ".class=" + DirectoryConfigProvider.class.getName() + " (or the provider meant)");
                }
                String provider = settings.get(PROVIDERS + "." + alias + ".class");
                if (DirectoryConfigProvider.class.getName().equals(provider)) {
                    checkFile(setting.getKey(), ref);
                } else {
                    checkLoads(alias, provider);
                }
            }
        }
        if (!any) {
            return;
        }
        // The clients' own resolution: a provider the JVM's org.apache.kafka.automatic.config.providers
        // does not allow is a ConfigException here; unset, that property allows every provider.
        Map<String, Object> resolved;
        try {
            resolved = new AbstractConfig(new ConfigDef(), settings, false).originals();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("the config providers cannot be used: " + e.getMessage());
        }
        for (var setting : settings.entrySet()) {
            Matcher ref = ConfigTransformer.DEFAULT_PATTERN.matcher(setting.getValue());
            while (ref.find()) {
                if (aliases.contains(ref.group(1)) && String.valueOf(resolved.get(setting.getKey())).contains(ref.group())) {
                    throw new IllegalArgumentException(setting.getKey() + " refers to " + ref.group()
                            + ", which config provider '" + ref.group(1) + "' cannot resolve");
                }
            }
        }
    }

    /** Kafka logs a provider class it cannot load as an ERROR with its stack trace: say so first, in one line. */
    private static void checkLoads(String alias, String provider) {
        String setting = PROVIDERS + "." + alias + ".class";
        if (provider == null || provider.isBlank()) {
            throw new IllegalArgumentException(setting + " is not set; e.g. " + setting + "="
                    + DirectoryConfigProvider.class.getName());
        }
        try {
            Class.forName(provider.strip(), false, ConfigReferences.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(setting + ": no class " + provider.strip() + " on the classpath; e.g. "
                    + DirectoryConfigProvider.class.getName());
        }
    }

    /** A {@link DirectoryConfigProvider} reference {@code ${alias:DIR:FILE}}: DIR must hold a readable FILE. */
    private static void checkFile(String key, Matcher ref) {
        String where = key + " refers to " + ref.group() + ", but ";
        if (ref.group(3) == null || ref.group(3).isEmpty()) {
            throw new IllegalArgumentException(where + "names no directory; write ${" + ref.group(1) + ":DIR:FILE}");
        }
        Path dir = Path.of(ref.group(3));
        Path file = dir.resolve(ref.group(4));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(where + dir + " is not a directory; mount the Secret holding "
                    + ref.group(4) + " there (docs/deploy.md#kubernetes-deployk8s)");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(where + dir + " holds no file " + ref.group(4)
                    + "; is the right Secret mounted there, with that key?");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(where + file + " is not readable by this user; check the mount's file mode");
        }
    }
}
