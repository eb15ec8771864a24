package io.streamaug.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code broker --secure}: SASL_SSL with SCRAM-SHA-512, ACLs enforced, material kept in the data directory. */
class SecureBrokerTest {

    @Test
    void theAdminGetsInAWrongPasswordDoesNotAndTheSecretsAreOwnerOnly(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of(), true)) {
            BrokerSecurity security = broker.security().orElseThrow();
            try (Admin admin = Admin.create(client(broker, security.clientProperties(BrokerSecurity.ADMIN, security.adminPassword())))) {
                admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("secured");
            }
            try (Admin wrong = Admin.create(client(broker, security.clientProperties(BrokerSecurity.ADMIN, "not-the-password")))) {
                assertThatThrownBy(() -> wrong.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            try (Admin plain = Admin.create(client(broker, new Properties()))) {
                assertThatThrownBy(() -> plain.describeCluster().nodes().get(5, TimeUnit.SECONDS)).isNotNull();
            }
            Path config = security.clientConfig();
            assertThat(Files.getPosixFilePermissions(config)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            assertThat(Files.readString(config)).contains("SASL_SSL").contains(security.adminPassword());
        }
    }

    private static Properties client(EmbeddedKafkaBroker broker, Properties security) {
        Properties props = new Properties();
        props.putAll(security);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }
}
