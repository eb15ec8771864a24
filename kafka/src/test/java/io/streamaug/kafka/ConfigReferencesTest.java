package io.streamaug.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client settings that read a secret through Kafka's DirectoryConfigProvider (a Kubernetes Secret
 * mounted as a directory): a mount that is there resolves as the clients resolve it; a missing
 * directory, file or provider is one message naming the reference, never the secret.
 */
class ConfigReferencesTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"streamaug-worker\" password=\"s3cret-from-the-mount\";";

    @TempDir
    Path mount;

    private Map<String, String> settings(String reference) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "SCRAM-SHA-512");
        settings.put("config.providers", "dir");
        settings.put("config.providers.dir.class", DirectoryConfigProvider.class.getName());
        settings.put("sasl.jaas.config", reference);
        return settings;
    }

    @Test
    void aMountedSecretResolvesAsTheClientsResolveIt() throws Exception {
        Files.writeString(mount.resolve("sasl.jaas.config"), JAAS);
        Map<String, String> settings = settings("${dir:" + mount + ":sasl.jaas.config}");

        assertThatCode(() -> ConfigReferences.check(settings)).doesNotThrowAnyException();

        // No system property is needed: Kafka 4.3's clients allow every config provider unless
        // org.apache.kafka.automatic.config.providers says otherwise.
        assertThat(System.getProperty("org.apache.kafka.automatic.config.providers")).isNull();
        Properties client = new Properties();
        client.putAll(settings);
        client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        Admin.create(client).close(java.time.Duration.ZERO); // a JAAS line left as "${dir:…}" would not parse
    }

    @Test
    void aMissingDirectoryOrFileIsOneMessageNamingTheReference() throws Exception {
        Path absent = mount.resolve("not-mounted");
        assertThatThrownBy(() -> ConfigReferences.check(settings("${dir:" + absent + ":sasl.jaas.config}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sasl.jaas.config refers to ${dir:" + absent + ":sasl.jaas.config}")
                .hasMessageContaining(absent + " is not a directory").hasMessageContaining("Secret");

        Files.writeString(mount.resolve("password"), "s3cret-from-the-mount");
        assertThatThrownBy(() -> ConfigReferences.check(settings("${dir:" + mount + ":sasl.jaas.config}")))
                .hasMessageContaining(mount + " holds no file sasl.jaas.config")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aReferenceToAnUndeclaredProviderSaysWhatToAdd() {
        Map<String, String> settings = settings("${file:/etc/kafka.properties:jaas}");
        assertThatThrownBy(() -> ConfigReferences.check(settings))
                .hasMessageContaining("config.providers does not name 'file'");

        Map<String, String> none = new LinkedHashMap<>();
        none.put("sasl.jaas.config", "${dir:" + mount + ":sasl.jaas.config}");
        assertThatThrownBy(() -> ConfigReferences.check(none)).hasMessageContaining("add config.providers=dir");
    }

    @Test
    void aProviderThatDoesNotLoadIsOneMessage() throws Exception {
        Files.writeString(mount.resolve("sasl.jaas.config"), JAAS);
        Map<String, String> settings = settings("${dir:" + mount + ":sasl.jaas.config}");
        settings.put("config.providers.dir.class", "org.example.NoSuchProvider");
        assertThatThrownBy(() -> ConfigReferences.check(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.providers.dir.class: no class org.example.NoSuchProvider");
        settings.remove("config.providers.dir.class");
        assertThatThrownBy(() -> ConfigReferences.check(settings)).hasMessageContaining("config.providers.dir.class is not set");
    }

    @Test
    void aProviderTheJvmDoesNotAllowIsOneMessageNamingTheProperty() throws Exception {
        Files.writeString(mount.resolve("sasl.jaas.config"), JAAS);
        Map<String, String> settings = settings("${dir:" + mount + ":sasl.jaas.config}");
        System.setProperty("org.apache.kafka.automatic.config.providers", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        try {
            assertThatThrownBy(() -> ConfigReferences.check(settings)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("org.apache.kafka.automatic.config.providers").hasMessageNotContaining("s3cret");
        } finally {
            System.clearProperty("org.apache.kafka.automatic.config.providers");
        }
    }

    @Test
    void settingsWithoutReferencesAndPasswordsHoldingADollarAreLeftAlone() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"u\" password=\"a${b:c}d\";");
        assertThatCode(() -> ConfigReferences.check(settings)).doesNotThrowAnyException();
    }
}
