package io.streamaug.kafka;

import io.streamaug.core.cli.UsageException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Connection options of every command that talks to Kafka: {@code --bootstrap} (flag, then
 * {@code STREAMAUG_BOOTSTRAP}, then {@code localhost:9092}) and any client setting through
 * {@code --kafka key=value} (SASL, SSL, timeouts, …).
 */
public final class KafkaOptions {
    public static final String ENV_BOOTSTRAP = "STREAMAUG_BOOTSTRAP";
    public static final String ENV_WAIT_FOR_BROKER = "STREAMAUG_WAIT_FOR_BROKER";
    public static final String ENV_KAFKA_CONFIG = "STREAMAUG_KAFKA_CONFIG";
    private static final Pattern HOST_PORT = Pattern.compile("[^\\s:,]+:\\d{1,5}(,[^\\s:,]+:\\d{1,5})*");

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    private String bootstrap;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> fileSettings = new LinkedHashMap<>();
    private Topics topics = Topics.DEFAULT;
    private Duration waitForBroker = Duration.ZERO;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            defaultValue = "${env:" + ENV_BOOTSTRAP + ":-localhost:9092}",
            description = "Kafka bootstrap servers (default: $" + ENV_BOOTSTRAP + " or localhost:9092).")
    void setBootstrap(String value) {
        if (!HOST_PORT.matcher(value).matches()) {
            throw new ParameterException(spec.commandLine(), "--bootstrap '" + value
                    + "' is not HOST:PORT[,HOST:PORT…]; e.g. --bootstrap localhost:9092");
        }
        this.bootstrap = value;
    }

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "Any Kafka client setting, repeatable (e.g. --kafka security.protocol=SASL_SSL).")
    void setOverride(Map<String, String> values) {
        for (var entry : values.entrySet()) {
            if (entry.getKey().isBlank()) {
                throw new ParameterException(spec.commandLine(), "--kafka needs KEY=VALUE, got '=" + entry.getValue() + "'");
            }
        }
        overrides.putAll(values);
    }

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "${env:" + ENV_KAFKA_CONFIG + "}",
            description = "A properties file of Kafka client settings (SASL, SSL, …), e.g. the one './streamaug broker "
                    + "--secure' writes; --kafka settings win over it. Keeps passwords off the command line; it may "
                    + "read them from files with Kafka's config providers, e.g. sasl.jaas.config=$${dir:DIR:sasl.jaas.config} "
                    + "(default: $" + ENV_KAFKA_CONFIG + ").")
    void setConfigFile(java.nio.file.Path file) {
        if (file == null) {
            return;
        }
        Properties loaded = new Properties();
        try (var in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            loaded.load(in);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--kafka-config " + file + " cannot be read as a properties file: "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        loaded.stringPropertyNames().forEach(k -> settings.put(k, loaded.getProperty(k)));
        try {
            ConfigReferences.check(settings);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--kafka-config " + file + ": " + e.getMessage());
        }
        fileSettings.putAll(settings);
    }

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:STREAMAUG_TOPIC_PREFIX:-}",
            description = {"Namespace of this pipeline on the cluster: topics, consumer groups and the workers' application "
                + "id (PREFIX.raw.images, PREFIX.streamaug-augment, …), to run several pipelines on one cluster "
                + "(default: $STREAMAUG_TOPIC_PREFIX or none)."})
    void setTopicPrefix(String value) {
        try {
            this.topics = new Topics(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--topic-prefix: " + e.getMessage());
        }
    }

    @Option(names = "--wait-for-broker", paramLabel = "DURATION", defaultValue = "${env:" + ENV_WAIT_FOR_BROKER + ":-0}",
            description = "When no broker answers at start, keep trying this long (e.g. 90s, 5m; default: 0, fail at once; "
                    + "$STREAMAUG_WAIT_FOR_BROKER).")
    void setWaitForBroker(String value) {
        try {
            this.waitForBroker = parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--wait-for-broker: " + e.getMessage());
        }
    }

    /** {@code 90}, {@code 90s}, {@code 5m}, {@code 1h} or {@code 500ms} as a duration; seconds when no unit. */
    static Duration parseDuration(String value) {
        var m = Pattern.compile("(\\d{1,9})(ms|s|m|h)?").matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration; e.g. 90s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /**
     * Whether the topics were named by the operator ({@code --topic-prefix} or
     * {@code STREAMAUG_TOPIC_PREFIX}) rather than left at the default; options made by
     * {@link #of} always were.
     */
    public boolean topicPrefixGiven() {
        if (spec == null) {
            return true;
        }
        String env = System.getenv("STREAMAUG_TOPIC_PREFIX");
        return (env != null && !env.isEmpty())
                || (spec.commandLine().getParseResult() != null
                        && spec.commandLine().getParseResult().hasMatchedOption("--topic-prefix"));
    }

    /**
     * The flags another command needs to reach the same pipeline, for hints: {@code --bootstrap}
     * and {@code --topic-prefix} when they are not the defaults (each with a leading space).
     */
    public String commandFlags() {
        String flags = "";
        String env = System.getenv(ENV_BOOTSTRAP);
        if (bootstrap != null && !bootstrap.equals(env != null ? env : "localhost:9092")) {
            flags += " --bootstrap " + bootstrap;
        }
        if (!topics.prefix().isEmpty() && !topics.prefix().equals(System.getenv("STREAMAUG_TOPIC_PREFIX"))) {
            flags += " --topic-prefix " + topics.prefix();
        }
        return flags;
    }

    /** Creates options for code that is not a command (tests, the demo). */
    public static KafkaOptions of(String bootstrap, Topics topics) {
        KafkaOptions options = new KafkaOptions();
        options.bootstrap = bootstrap;
        options.topics = topics;
        return options;
    }

    /** The topic names to use. */
    public Topics topics() {
        return topics;
    }

    public String bootstrap() {
        return bootstrap;
    }

    /**
     * An admin client, after checking that the cluster answers. With {@code --wait-for-broker}, a
     * cluster that does not answer is asked again until that time has passed, with a line every few
     * seconds saying so; refused credentials are never waited for.
     *
     * @throws UsageException naming the address and what to do when nothing answers in time, or
     *                        naming the refusal when the cluster refuses the client's credentials
     */
    public Admin connect(Duration timeout) {
        long deadline = System.nanoTime() + waitForBroker.toNanos();
        long started = System.nanoTime();
        long nextNotice = 0;
        // while waiting, ask in short attempts so that the first "waiting" line comes within seconds
        Duration attempt = waitForBroker.isZero() || timeout.compareTo(Duration.ofSeconds(3)) < 0 ? timeout : Duration.ofSeconds(3);
        while (true) {
            try {
                return connectOnce(attempt);
            } catch (UsageException e) {
                long now = System.nanoTime();
                if (!(e.getCause() instanceof TimeoutException || e.getCause() instanceof ExecutionException)
                        || waitForBroker.isZero() || now >= deadline || refused(e.getCause())) {
                    throw waitForBroker.isZero() || refused(e.getCause()) ? e : new UsageException("cannot reach Kafka at "
                            + bootstrap + " after waiting " + seconds(now - started) + " s (--wait-for-broker "
                            + waitForBroker.toSeconds() + "s); start one with './streamaug broker' or pass --bootstrap HOST:PORT");
                }
                if (now >= nextNotice) {
                    java.io.PrintWriter err = spec != null ? spec.commandLine().getErr()
                            : new java.io.PrintWriter(System.err, true);
                    err.printf("waiting for Kafka at %s: no answer yet (%d s of %d s)…%n", bootstrap,
                            seconds(now - started), waitForBroker.toSeconds());
                    err.flush();
                    nextNotice = now + 5_000_000_000L;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new UsageException("interrupted while waiting for Kafka at " + bootstrap);
                }
            }
        }
    }

    private static long seconds(long nanos) {
        return Math.round(nanos / 1e9);
    }

    /** Whether the cluster answered and refused this client (credentials, TLS): waiting will not help. */
    private static boolean refused(Throwable problem) {
        for (Throwable t = problem; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthenticationException
                    || t instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return true;
            }
        }
        return false;
    }

    private Admin connectOnce(Duration timeout) {
        Properties props = clientProperties();
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Admin admin = Admin.create(props);
        try {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return admin;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admin.close(Duration.ZERO);
            throw new UsageException("interrupted while connecting to Kafka at " + bootstrap);
        } catch (ExecutionException | TimeoutException e) {
            admin.close(Duration.ZERO);
            if (refused(e)) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new UsageException("Kafka at " + bootstrap + " refused this client: " + cause.getMessage()
                        + "; check the credentials and security settings passed with --kafka", e);
            }
            throw new UsageException("cannot reach Kafka at " + bootstrap + " within " + timeout.toSeconds()
                    + " s; start one with './streamaug broker' or pass --bootstrap HOST:PORT", e);
        }
    }

    /**
     * Connects and creates whichever of the project's topics are missing, laid out as asked; a
     * layout the cluster cannot hold (more replicas than brokers) is one clear line.
     */
    public List<Topics.Outcome> ensureTopics(TopicLayout layout) throws InterruptedException {
        try (Admin admin = connect(Duration.ofSeconds(10))) {
            return topics.ensure(admin, layout);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (ExecutionException e) {
            throw new UsageException("could not create the topics on " + bootstrap + ": " + e.getCause().getMessage());
        }
    }

    /**
     * The one producer configuration of every command that writes raw or metadata records (produce,
     * dataset, stats, the demo, benchmarks): {@code acks=all} and idempotence, so that a broker that
     * fails over loses and duplicates nothing, batched for throughput; string keys, byte values.
     * Operator settings ({@code --kafka}) win over the tuning, not over the guarantees' absence of
     * choice: they are set only when the operator has not set them.
     */
    public Properties producerProperties() {
        Properties props = clientProperties();
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * A group-less, read-committed reader's settings over {@code client}: no committed offsets, the
     * position is the reader's own; string keys, byte values. Every reader of a whole topic (the
     * dataset catalog, stats, evaluation) starts from these.
     */
    public static Properties readerProperties(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        // A reader joins no group: group settings meant for the workers (group.protocol=streams,
        // group.instance.id) would make a plain consumer refuse to start.
        props.keySet().removeIf(key -> key.toString().startsWith("group."));
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** Base client properties: bootstrap servers plus every {@code --kafka} override (which win). */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putAll(fileSettings);
        props.putAll(overrides);
        return props;
    }
}
