package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.BrokerSecurity;
import io.streamaug.broker.EmbeddedKafkaBroker;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a secured broker ({@code broker --secure}): a user with the right credentials and ACLs
 * works; a wrong password, and a user without the ACLs, each get one line and exit 2; no password is
 * ever printed.
 */
class SecuredBrokerCommandsTest {
    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker broker;
    static final List<String> PASSWORDS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0, Map.of(), true);
        BrokerSecurity security = broker.security().orElseThrow();
        PASSWORDS.add(security.adminPassword());
        Properties admin = security.clientProperties(BrokerSecurity.ADMIN, security.adminPassword());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin client = Admin.create(admin)) {
            client.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-pw-1"),
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "bob-pw-22")))
                    .all().get(30, TimeUnit.SECONDS);
            // alice may do everything the pipeline needs under the prefix "sec" (topics, groups and the worker's
            // transactional ids all carry it); bob nothing
            List<AclBinding> acls = new ArrayList<>();
            for (ResourceType type : List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
                acls.add(new AclBinding(new ResourcePattern(type, "sec.", PatternType.PREFIXED),
                        new AccessControlEntry("User:alice", "*", AclOperation.ALL, AclPermissionType.ALLOW)));
            }
            acls.add(new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                    new AccessControlEntry("User:alice", "*", AclOperation.IDEMPOTENT_WRITE, AclPermissionType.ALLOW)));
            client.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
        PASSWORDS.addAll(List.of("alice-pw-1", "bob-pw-22", "wrong-pw-333"));
        write("alice.properties", security.clientProperties("alice", "alice-pw-1"));
        write("bob.properties", security.clientProperties("bob", "bob-pw-22"));
        write("wrong.properties", security.clientProperties("alice", "wrong-pw-333"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void write(String name, Properties props) throws Exception {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
            props.store(out, null);
        }
    }

    private static CliTest.Outcome as(String user, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", broker.bootstrapServers(), "--kafka-config", dir.resolve(user + ".properties").toString(),
                "--topic-prefix", "sec"));
        CliTest.Outcome outcome = CliTest.run(all.toArray(String[]::new));
        for (String password : PASSWORDS) {
            assertThat(outcome.out() + outcome.err()).as("no password in any output").doesNotContain(password);
        }
        return outcome;
    }

    @Test
    void aUserWithTheRightCredentialsAndAclsCreatesTopicsAndProduces() {
        CliTest.Outcome topics = as("alice", "topics", "--partitions", "2");
        assertThat(topics.code()).as(topics.err()).isZero();
        CliTest.Outcome produce = as("alice", "produce", "images", "--bundled", "--train-limit", "40");
        assertThat(produce.code()).as(produce.err()).isZero();
    }

    @Test
    void aWrongPasswordIsOneLineNamingTheRefusal() {
        long started = System.nanoTime();
        CliTest.Outcome outcome = as("wrong", "topics");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip().lines()).as(outcome.err()).hasSize(1);
        assertThat(outcome.err()).contains("refused this client").contains("Authentication failed");
        assertThat(System.nanoTime() - started).as("within seconds, not a wait").isLessThan(30_000_000_000L);
    }

    @Test
    void aUserWithoutTheAclsIsOneLineNamingWhatIsMissing() {
        CliTest.Outcome outcome = as("bob", "topics");
        assertThat(outcome.code()).as(outcome.err()).isEqualTo(2);
        assertThat(outcome.err().strip().lines()).as(outcome.err()).hasSize(1);
        assertThat(outcome.err()).contains("not authorised to CREATE topics").contains("sec.raw.images");

        // topics alice made: bob may not write to them either
        assertThat(as("alice", "topics").code()).isZero();
        CliTest.Outcome produce = as("bob", "produce", "images", "--bundled", "--train-limit", "10");
        assertThat(produce.code()).as(produce.err()).isEqualTo(2);
        assertThat(produce.err().strip().lines()).as(produce.err()).hasSize(1);
        assertThat(produce.err()).contains("not authorised");
    }
}
