package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.BrokerSecurity;
import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.kafka.ConsumerLag;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.PipelineAcls;
import io.streamaug.kafka.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a secured broker ({@code broker --secure}), each role a user with exactly the
 * ACLs of {@link PipelineAcls} (those docs/deploy.md lists): topics, produce, stats, augment
 * and train work end to end; a worker lacking the transactional id WRITE ACL and a trainer lacking its group's READ
 * each stop with one line naming the resource and the operations, exit 2; and no password is in
 * any log, summary, run report or run.json. The same users also run with their credentials in files, as a
 * Kubernetes pod gets them ({@link CredentialsFromAMountedSecret}).
 */
class SecuredPipelineTest {
    private static final Topics TOPICS = new Topics("sec");

    @TempDir
    static Path dir;
    static EmbeddedKafkaBroker broker;
    static Properties admin;
    static final List<String> PASSWORDS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0, Map.of(), true);
        BrokerSecurity security = broker.security().orElseThrow();
        PASSWORDS.add(security.adminPassword());
        admin = security.clientProperties(BrokerSecurity.ADMIN, security.adminPassword());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        user(security, "producer", PipelineAcls.PRODUCER.bindings("User:producer", TOPICS));
        user(security, "stats", PipelineAcls.STATS.bindings("User:stats", TOPICS));
        user(security, "worker", PipelineAcls.WORKER.bindings("User:worker", TOPICS));
        user(security, "trainer", PipelineAcls.TRAINER.bindings("User:trainer", TOPICS));
        user(security, "worker-no-txn", PipelineAcls.WORKER.bindingsWithout("User:worker-no-txn", TOPICS,
                ResourceType.TRANSACTIONAL_ID, AclOperation.WRITE));
        user(security, "trainer-no-group", PipelineAcls.TRAINER.bindingsWithout("User:trainer-no-group", TOPICS,
                ResourceType.GROUP, AclOperation.READ));
        CliTest.Outcome topics = cli("producer", "topics", "--partitions", "2");
        assertThat(topics.code()).as(topics.err()).isZero();
    }

    /** A user with a password of its own and {@code acls}, and its client settings in {@code NAME.properties}. */
    private static void user(BrokerSecurity security, String name, List<AclBinding> acls) throws Exception {
        String password = name + "-pw-" + Long.toHexString(System.nanoTime());
        PASSWORDS.add(password);
        try (Admin client = Admin.create(admin)) {
            client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
            client.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve(name + ".properties"))) {
            security.clientProperties(name, password).store(out, null);
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static List<String> connect(String user) {
        return List.of("--bootstrap", broker.bootstrapServers(), "--kafka-config", dir.resolve(user + ".properties").toString(),
                "--topic-prefix", TOPICS.prefix());
    }

    private static CliTest.Outcome cli(String user, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(connect(user));
        CliTest.Outcome outcome = CliTest.run(all.toArray(String[]::new));
        assertNoPassword("output of " + String.join(" ", args), outcome.out() + outcome.err());
        return outcome;
    }

    /** The command as a JVM of its own, logging as the shipped command line does (not as the tests do). */
    private static ChildJvm child(String user, Path log, String... args) {
        return ChildJvm.main(StreamaugCli.class).heap("512m")
                .jvmOptions("-Dlog4j2.configurationFile=" + Path.of("target/classes/log4j2.xml").toAbsolutePath())
                .args(args).args(connect(user)).logTo(log);
    }

    private static void assertNoPassword(String where, String text) {
        for (String password : PASSWORDS) {
            assertThat(text).as("no password in %s", where).doesNotContain(password);
        }
    }

    @Test
    void eachRoleWithItsAclsRunsProduceStatsAugmentTrainEndToEnd() throws Exception {
        for (String command : List.of("topics", "stats", "augment", "train")) {
            assertThat(cli("producer", command, "--help").code()).isZero(); // cli() checks the help holds no password
        }
        CliTest.Outcome again = cli("producer", "topics", "--partitions", "2"); // checks the existing topics' settings
        assertThat(again.code()).as(again.err()).isZero();
        CliTest.Outcome produce = cli("producer", "produce", "images", "--bundled", "--train-limit", "300");
        assertThat(produce.code()).as(produce.err()).isZero();
        CliTest.Outcome stats = cli("stats", "stats", "--dataset", "fashion-mnist");
        assertThat(stats.code()).as(stats.err()).isZero();

        Path workerLog = dir.resolve("worker.log");
        Process worker = child("worker", workerLog, "augment", "--spec", "fashion-mnist", "--dataset", "fashion-mnist",
                "--text-spec", "none", "--progress-every", "1", "--metrics-port", "0",
                "--state-dir", Files.createDirectories(dir.resolve("state")).toString()).start();
        try (Admin client = Admin.create(admin)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (ConsumerLag.of(client, TOPICS.name("streamaug-augment"), TOPICS.rawImages()) > 0) {
                assertThat(worker.isAlive()).as("the worker runs; its log: %s", Files.readString(workerLog)).isTrue();
                assertThat(System.nanoTime()).as("the worker prepared the input in time: %s", Files.readString(workerLog))
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
            Thread.sleep(1500); // a progress line at lag 0
        } finally {
            ChildJvm.stop(worker, Duration.ofSeconds(60));
        }
        String worked = Files.readString(workerLog);
        assertThat(worked).contains("the training statistics of dataset 'fashion-mnist'").contains("lag 0,").doesNotContain("not authorised").doesNotContain("unreachable");

        // A record the trainer cannot decode: it dead-letters it, which needs its WRITE on the topics.
        Properties producer = new Properties();
        producer.putAll(admin);
        try (KafkaProducer<String, byte[]> poison = new KafkaProducer<>(producer, new StringSerializer(),
                new ByteArraySerializer())) {
            poison.send(new ProducerRecord<>(TOPICS.augmentedTrain(), "poison", new byte[] {1, 2, 3})).get();
        }
        Path trainerLog = dir.resolve("trainer.log");
        Path runs = dir.resolve("runs");
        Process trainer = child("trainer", trainerLog, "train", "--name", "secure", "--runs", runs.toString(), "--quiet",
                "--hidden", "16", "--eval-every", "0", "--checkpoint-every", "0", "--idle-timeout", "5",
                "--json", dir.resolve("summary.json").toString()).start();
        assertThat(trainer.waitFor(3, TimeUnit.MINUTES)).as("the trainer ends on its idle timeout").isTrue();
        String trained = Files.readString(trainerLog);
        assertThat(trainer.exitValue()).as(trained).isZero();
        assertThat(trained).containsPattern("(?m)^samples: [1-9]\\d*$").containsPattern("(?m)^dead_letters: 1$");

        assertNoPassword("the worker's log", worked);
        assertNoPassword("the trainer's log", trained);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(dir.resolve("broker")))
                    .filter(f -> !f.getFileName().toString().endsWith(".properties")).toList()) {
                if (!file.toString().matches(".*\\.(log|json|jsonl|txt|html|yaml|md)$")) {
                    continue;
                }
                assertNoPassword(file.toString(), Files.readString(file));
            }
        }
        assertThat(runs.resolve("secure").resolve("run.json")).isRegularFile();
    }

    @Test
    void aWorkerLackingTheTransactionalIdWriteAclStopsWithOneLineNamingIt() throws Exception {
        Path log = dir.resolve("worker-no-txn.log");
        Process worker = child("worker-no-txn", log, "augment", "--application-id", "denied", "--spec", "fashion-mnist",
                "--mean", "0.2860", "--std", "0.3530", "--text-spec", "none",
                "--state-dir", Files.createDirectories(dir.resolve("state-denied")).toString()).start();
        String out = awaitExit(worker, log);
        assertThat(worker.exitValue()).as(out).isEqualTo(2);
        assertOneLine(out, "not authorised to DESCRIBE, WRITE transactional id sec.denied-");
    }

    @Test
    void aTrainerLackingItsGroupReadAclStopsWithOneLineNamingIt() throws Exception {
        CliTest.Outcome produce = cli("producer", "produce", "images", "--bundled", "--train-limit", "20");
        assertThat(produce.code()).as(produce.err()).isZero();
        Path log = dir.resolve("trainer-no-group.log");
        Process trainer = child("trainer-no-group", log, "train", "--name", "denied", "--runs", dir.resolve("runs-denied").toString(),
                "--quiet", "--idle-timeout", "5").start();
        String out = awaitExit(trainer, log);
        assertThat(trainer.exitValue()).as(out).isEqualTo(2);
        assertOneLine(out, "not authorised to READ group sec.streamaug-trainer-denied");
    }

    /**
     * The credentials as a pod of deploy/k8s gets them: Strimzi's Secret for the KafkaUser, mounted as a
     * directory, holds the user's JAAS line in a file named {@code sasl.jaas.config}; the cluster CA's
     * Secret holds the truststore and its password. The client settings (a ConfigMap there) read both
     * through Kafka's DirectoryConfigProvider, so no password is on the command line, in the settings file
     * or in the environment.
     */
    @Nested
    class CredentialsFromAMountedSecret {
        /** The user's Secret and the cluster CA's, mounted under {@code mounts/USER}, and client settings reading them. */
        private Path mounted(String user) throws IOException {
            Properties secret = new Properties();
            try (var in = Files.newBufferedReader(dir.resolve(user + ".properties"))) {
                secret.load(in);
            }
            Path mounts = Files.createDirectories(dir.resolve("mounts").resolve(user));
            Path userSecret = Files.createDirectories(mounts.resolve("kafka-user"));
            Files.writeString(userSecret.resolve("sasl.jaas.config"), secret.getProperty("sasl.jaas.config"));
            Path clusterCa = Files.createDirectories(mounts.resolve("cluster-ca"));
            Files.copy(broker.security().orElseThrow().truststore(), clusterCa.resolve("ca.p12"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(clusterCa.resolve("ca.password"), secret.getProperty("ssl.truststore.password"));
            return clientSettings(user, userSecret, clusterCa);
        }

        /** The pods' client settings, with this broker's protocol (SASL_SSL) and the CA from {@code clusterCa}. */
        private Path clientSettings(String name, Path userSecret, Path clusterCa) throws IOException {
            Path file = dir.resolve("mounts").resolve(name + "-client.properties");
            Files.writeString(file, String.join("\n",
                    "security.protocol=SASL_SSL",
                    "sasl.mechanism=SCRAM-SHA-512",
                    "config.providers=dir",
                    "config.providers.dir.class=" + DirectoryConfigProvider.class.getName(),
                    "sasl.jaas.config=${dir:" + userSecret + ":sasl.jaas.config}",
                    "ssl.truststore.type=PKCS12",
                    "ssl.truststore.location=" + clusterCa.resolve("ca.p12"),
                    "ssl.truststore.password=${dir:" + clusterCa + ":ca.password}") + "\n");
            return file;
        }

        private CliTest.Outcome cliWith(Path settings, String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--bootstrap", broker.bootstrapServers(), "--kafka-config", settings.toString(),
                    "--topic-prefix", TOPICS.prefix()));
            CliTest.Outcome outcome = CliTest.run(all.toArray(String[]::new));
            assertNoSecret("output of " + String.join(" ", args), outcome.out() + outcome.err());
            return outcome;
        }

        /** The worker as its pod runs it: the settings file named by STREAMAUG_KAFKA_CONFIG, a static member. */
        private Process worker(Path settings, Path log, String applicationId) throws IOException {
            ProcessBuilder pod = new ProcessBuilder(ChildJvm.main(StreamaugCli.class).heap("512m")
                    .jvmOptions("-Dlog4j2.configurationFile=" + Path.of("target/classes/log4j2.xml").toAbsolutePath())
                    .args("augment", "--application-id", applicationId, "--text-spec", "none", "--progress-every", "1",
                            "--metrics-port", "0", "--state-dir",
                            Files.createDirectories(dir.resolve("state-" + applicationId)).toString(),
                            "--bootstrap", broker.bootstrapServers(), "--topic-prefix", TOPICS.prefix())
                    .command()).redirectErrorStream(true).redirectOutput(log.toFile());
            pod.environment().put(KafkaOptions.ENV_KAFKA_CONFIG, settings.toString());
            pod.environment().put(io.streamaug.worker.AugmentCommand.ENV_INSTANCE_ID, applicationId + "-0");
            return pod.start();
        }

        private void assertNoSecret(String where, String text) {
            assertNoPassword(where, text);
            String storePassword = admin.getProperty("ssl.truststore.password");
            assertThat(text).as("no truststore password in %s", where).doesNotContain(storePassword);
        }

        @Test
        void producerStatsAndWorkerRunOnTheCredentialsOfTheirMountedSecrets() throws Exception {
            Path producer = mounted("producer");
            String settings = Files.readString(producer);
            assertNoSecret("the client settings", settings);
            assertThat(settings).contains("sasl.jaas.config=${dir:");

            CliTest.Outcome produce = cliWith(producer, "produce", "images", "--bundled", "--train-limit", "60");
            assertThat(produce.code()).as(produce.err()).isZero();
            CliTest.Outcome stats = cliWith(mounted("stats"), "stats", "--dataset", "fashion-mnist");
            assertThat(stats.code()).as(stats.err()).isZero();

            Path log = dir.resolve("mounted-worker.log");
            Process worker = worker(mounted("worker"), log, "mounted");
            try (Admin client = Admin.create(admin)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (ConsumerLag.of(client, TOPICS.name("mounted"), TOPICS.rawImages()) != 0) {
                    assertThat(worker.isAlive()).as("the worker runs; its log: %s", Files.readString(log)).isTrue();
                    assertThat(System.nanoTime()).as("the worker prepared the input in time: %s", Files.readString(log))
                            .isLessThan(deadline);
                    Thread.sleep(200);
                }
            } finally {
                ChildJvm.stop(worker, Duration.ofSeconds(60));
            }
            String worked = Files.readString(log);
            assertThat(worked).contains("the training statistics of dataset 'fashion-mnist'")
                    .doesNotContain("not authorised").doesNotContain("refused");
            assertNoSecret("the worker's log", worked);
        }

        @Test
        void aSecretThatIsNotMountedIsOneLineNamingTheFileExitTwo() throws Exception {
            Path absent = dir.resolve("mounts").resolve("never-mounted");
            mounted("producer");
            Path clusterCa = dir.resolve("mounts").resolve("producer").resolve("cluster-ca");
            Path noDirectory = clientSettings("no-directory", absent, clusterCa);
            Path emptyDirectory = clientSettings("empty-directory",
                    Files.createDirectories(dir.resolve("mounts").resolve("empty")), clusterCa);

            CliTest.Outcome produce = cliWith(noDirectory, "produce", "images", "--bundled", "--train-limit", "10");
            assertOneClearLine(produce.code(), produce.err(), absent + " is not a directory");
            CliTest.Outcome stats = cliWith(emptyDirectory, "stats", "--dataset", "fashion-mnist");
            assertOneClearLine(stats.code(), stats.err(), "holds no file sasl.jaas.config");

            // A worker pod whose Secret is not there: the same line, from the settings named by its environment.
            Path log = dir.resolve("unmounted-worker.log");
            Process worker = worker(noDirectory, log, "unmounted");
            String out = awaitExit(worker, log);
            assertOneClearLine(worker.exitValue(), out, absent + " is not a directory");
        }

        private void assertOneClearLine(int code, String err, String naming) {
            assertThat(code).as(err).isEqualTo(2);
            assertThat(err.strip().lines()).as(err).singleElement().asString()
                    .contains("--kafka-config").contains("sasl.jaas.config refers to ${dir:").contains(naming);
            assertThat(err).as("no stack trace").doesNotContain("Exception").doesNotContainPattern("(?m)^\\s+at [a-z]");
            assertNoSecret("the refusal", err);
        }
    }

    private static String awaitExit(Process process, Path log) throws InterruptedException, IOException {
        try {
            assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("exits; its log: %s", Files.readString(log)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        String out = Files.readString(log);
        assertNoPassword(log.toString(), out);
        return out;
    }

    /** One line says what was refused; no stack trace. */
    private static void assertOneLine(String out, String refusal) {
        assertThat(out.lines().filter(line -> line.contains("not authorised"))).as(out).singleElement().asString()
                .contains(refusal).contains("docs/deploy.md");
        assertThat(out).as("no stack trace").doesNotContainPattern("(?m)^\\s+at [a-z]");
    }
}
