package io.streamaug.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (broker and controller in one) on 127.0.0.1, run from the Apache Kafka
 * jars in this JVM. Its storage is formatted on first start; started again on the same data
 * directory it keeps its topics and records. Settings are those a one-node cluster needs for
 * exactly-once (replication factors and ISR of 1).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CLUSTER_ID_FILE = "streamaug-cluster-id";

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int port;
    private final BrokerSecurity security;
    private volatile boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, int port, BrokerSecurity security) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
        this.security = security;
    }

    /** The security material of a broker started secure; empty for a plaintext one. */
    public java.util.Optional<BrokerSecurity> security() {
        return java.util.Optional.ofNullable(security);
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param dataDir   where logs and metadata live (created if missing)
     * @param port      client port on 127.0.0.1, or 0 for any free port
     * @param overrides extra broker settings, which win over the defaults
     * @throws BrokerStartException when the port is taken, the directory is unusable or the broker
     *                              does not become ready
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        return start(dataDir, port, overrides, false);
    }

    /**
     * As {@link #start(Path, int, Map)}; with {@code secure}, SASL_SSL with SCRAM-SHA-512 for clients, ACLs
     * enforced, and certificates and the admin's password in {@code dataDir/security} ({@link BrokerSecurity}).
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port, Map<String, String> overrides, boolean secure) {
        Path logDir = dataDir.toAbsolutePath().resolve("logs");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new BrokerStartException("cannot create data directory " + logDir + ": " + e.getMessage(), e);
        }
        int clientPort = port == 0 ? freePort() : checkFree(port);
        int controllerPort = freePort();
        Properties props = properties(logDir, 1, clientPort, controllerPort, "1@127.0.0.1:" + controllerPort, 1);
        BrokerSecurity security = secure ? BrokerSecurity.prepare(dataDir) : null;
        if (security != null) {
            security.brokerSettings(clientPort, controllerPort).forEach(props::setProperty);
        }
        overrides.forEach(props::setProperty);
        return start(dataDir, props, clientPort, security);
    }

    /** Formats (if needed) and starts a node with complete settings, and waits until it answers. */
    private static EmbeddedKafkaBroker start(Path dataDir, Properties props, int clientPort, BrokerSecurity security) {
        format(dataDir.toAbsolutePath(), props, security == null ? List.of() : security.formatArguments());

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        long started = System.nanoTime();
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw new BrokerStartException("broker failed to start: " + e.getMessage(), e);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dataDir.toAbsolutePath(), clientPort, security);
        broker.awaitReady(Duration.ofSeconds(60));
        LOG.info("Kafka broker ready at {} in {} ms (data in {})", broker.bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), props.getProperty("log.dirs"));
        return broker;
    }

    /**
     * The settings of node {@code nodeId} of a cluster of {@code clusterSize} combined broker and
     * controller nodes on 127.0.0.1 ({@code voters}: {@code id@127.0.0.1:port,…}). Internal topics
     * are replicated to every node (at most three) with a minimum in-sync of one fewer, and topics
     * created without a replication factor get the same: a cluster of three survives one broker down.
     */
    static Properties properties(Path logDir, int nodeId, int clientPort, int controllerPort, String voters,
            int clusterSize) {
        String replicas = Integer.toString(Math.min(3, clusterSize));
        String minIsr = Integer.toString(Math.max(1, Math.min(3, clusterSize) - 1));
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("controller.quorum.voters", voters);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("log.dirs", logDir.toString());
        props.setProperty("offsets.topic.replication.factor", replicas);
        props.setProperty("offsets.topic.num.partitions", "6");
        props.setProperty("transaction.state.log.replication.factor", replicas);
        props.setProperty("transaction.state.log.min.isr", minIsr);
        props.setProperty("transaction.state.log.num.partitions", "6");
        props.setProperty("share.coordinator.state.topic.replication.factor", replicas);
        props.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        props.setProperty("default.replication.factor", replicas);
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // Workers on the streams rebalance protocol (--kafka group.protocol=streams) get their session
        // from the broker, 45 s by default and at least 45 s: give them the workers' classic failover
        // (10 s session, 2 s heartbeat) instead.
        props.setProperty("group.streams.min.session.timeout.ms", "6000");
        props.setProperty("group.streams.session.timeout.ms", "10000");
        props.setProperty("group.streams.min.heartbeat.interval.ms", "1000");
        props.setProperty("group.streams.heartbeat.interval.ms", "2000");
        props.setProperty("group.streams.initial.rebalance.delay.ms", "0");
        if (clusterSize > 1) {
            // A broker killed outright keeps its partitions' leadership, and a restarted one cannot
            // register again, until the controller stops hearing from it: 9 s by default. 4 s with a
            // heartbeat a second halves what a lost broker stalls the pipeline, and still leaves a
            // loaded machine's broker four heartbeats to be late before it is fenced.
            props.setProperty("broker.session.timeout.ms", "4000");
            props.setProperty("broker.heartbeat.interval.ms", "1000");
        }
        props.setProperty("num.partitions", "1");
        props.setProperty("auto.create.topics.enable", "false");
        // Big enough for 224×224×3 float32 prepared records.
        props.setProperty("message.max.bytes", Integer.toString(8 * 1024 * 1024));
        props.setProperty("log.retention.hours", "168");
        return props;
    }

    static void format(Path dataDir, Properties props) {
        format(dataDir, props, List.of());
    }

    static void format(Path dataDir, Properties props, List<String> extraArguments) {
        Path idFile = dataDir.resolve(CLUSTER_ID_FILE);
        try {
            String clusterId;
            if (Files.exists(idFile)) {
                clusterId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
            } else {
                clusterId = Uuid.randomUuid().toString();
                Files.writeString(idFile, clusterId, StandardCharsets.UTF_8);
            }
            Path config = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "written by streamaug broker; regenerated at every start");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int status;
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                List<String> arguments = new java.util.ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString(),
                        "--ignore-formatted"));
                arguments.addAll(extraArguments);
                status = StorageTool.execute(arguments.toArray(String[]::new), print);
            }
            if (status != 0) {
                throw new BrokerStartException("formatting " + dataDir + " failed: "
                        + output.toString(StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new BrokerStartException("cannot prepare data directory " + dataDir + ": " + e.getMessage(), e);
        } catch (BrokerStartException e) {
            throw e;
        } catch (Exception e) {
            throw new BrokerStartException("formatting " + dataDir + " failed: " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        Properties props = security == null ? new Properties() : security.clientProperties(BrokerSecurity.ADMIN,
                security.adminPassword());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    // The controller must also accept topic creation (metadata published).
                    admin.listTopics().names().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        close();
                        throw new BrokerStartException("broker did not become ready within " + timeout.toSeconds()
                                + " s: " + e.getMessage(), e);
                    }
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        close();
                        throw new BrokerStartException("interrupted while waiting for the broker", e);
                    }
                }
            }
        }
    }

    /**
     * A free loopback port below the kernel's ephemeral range (Linux's
     * {@code net.ipv4.ip_local_port_range}, 32768–60999 by default). A port the kernel gave out from
     * that range can be handed out again before a broker binds it: as the source port of another
     * connection, or to a node that keeps connecting to a peer's controller port before the peer
     * listens, which on loopback can connect to itself on that very port (TCP's simultaneous open).
     * Either leaves a node of the local cluster unable to bind ("Address already in use", seen once
     * in CI's chaos run). Ports below the range are never picked as source ports. Where the range cannot
     * be read, or no port below it is free after some tries, the kernel's choice is taken.
     */
    static int freePort() {
        int below = ephemeralRangeStart();
        if (below > LOWEST_CHOSEN_PORT + 1_000) {
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            for (int attempt = 0; attempt < 50; attempt++) {
                int port = random.nextInt(LOWEST_CHOSEN_PORT, below);
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lowest port {@link #freePort} picks: above the well-known and most registered service ports. */
    static final int LOWEST_CHOSEN_PORT = 20_000;

    /** The first port of the kernel's ephemeral range, or 0 when it cannot be read (not Linux). */
    static int ephemeralRangeStart() {
        try {
            String range = java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static int checkFree(int port) {
        if (port < 1 || port > 65535) {
            throw new BrokerStartException("port " + port + " is not in 1..65535");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException e) {
            throw new BrokerStartException("port " + port + " on 127.0.0.1 is in use (another broker?); "
                    + "stop it or pass another --port");
        }
    }

    /**
     * Runs node {@code nodeId} of a local cluster in this JVM until SIGTERM: {@code DATA_DIR NODE_ID
     * CLIENT_PORT CONTROLLER_PORT VOTERS CLUSTER_SIZE [KEY=VALUE…]}. {@link KafkaCluster} starts one
     * such JVM per node; the data directory holds the cluster id they share.
     */
    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int nodeId = Integer.parseInt(args[1]);
        int clientPort = Integer.parseInt(args[2]);
        int controllerPort = Integer.parseInt(args[3]);
        Properties props = properties(dataDir.resolve("logs"), nodeId, clientPort, controllerPort, args[4],
                Integer.parseInt(args[5]));
        for (int i = 6; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            props.setProperty(pair[0], pair[1]);
        }
        try {
            Files.createDirectories(dataDir.resolve("logs"));
        } catch (IOException e) {
            throw new BrokerStartException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server;
        try {
            format(dataDir, props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        } catch (RuntimeException e) {
            System.err.println("node " + nodeId + " cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        server.startup();
        // The hook comes after the start: Ctrl-C or SIGTERM while the node starts (the whole cluster's
        // Ctrl-C from a terminal) ends the JVM at once. A hook that shut the starting server down made
        // its start fail with Kafka's stack traces, and could hang, leaving the node running.
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.shutdown();
                server.awaitShutdown();
            }, "streamaug-broker-node-shutdown"));
        } catch (IllegalStateException shuttingDown) {
            return; // stopped just as it started: the JVM is ending
        }
        System.out.println("node " + nodeId + " started on 127.0.0.1:" + clientPort);
        System.out.flush();
        server.awaitShutdown();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Blocks until the broker has shut down. */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    /** Stops the broker cleanly (controlled shutdown); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
    }

    /** The broker could not start; the message says why and what to do. */
    public static final class BrokerStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BrokerStartException(String message) {
            super(message);
        }

        public BrokerStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
