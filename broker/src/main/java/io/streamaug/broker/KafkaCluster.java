package io.streamaug.broker;

import io.streamaug.broker.EmbeddedKafkaBroker.BrokerStartException;
import io.streamaug.core.process.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of N nodes on 127.0.0.1, each node (broker and controller in one) a JVM of its
 * own with its own data directory and ports, so that one can be killed with SIGKILL and restarted
 * while the others serve. Internal topics are replicated to every node (at most three) with a
 * minimum in-sync of one fewer; so is every topic created without a replication factor.
 *
 * <p>Node directories are {@code DATA_DIR/node-I}; each holds its {@code broker.log}. A restart on
 * the same data directory keeps the cluster (its id is kept there).
 */
public final class KafkaCluster implements AutoCloseable {
    private static final String CLUSTER_ID_FILE = "streamaug-cluster-id";
    private static final Duration READY = Duration.ofSeconds(120);

    private final Path dataDir;
    private final int[] clientPorts;
    private final int[] controllerPorts;
    private final Map<String, String> overrides;
    private final Process[] nodes;
    private boolean closed;
    /**
     * Stops the nodes when this JVM ends on a signal, from the first node's launch on: a command
     * stopped while its cluster is still forming (SIGTERM from a supervisor, which reaches the
     * command alone) would otherwise leave the nodes started so far running on their own.
     */
    private final Thread stopOnExit = new Thread(this::close, "streamaug-cluster-stop");

    private KafkaCluster(Path dataDir, int[] clientPorts, int[] controllerPorts, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.clientPorts = clientPorts;
        this.controllerPorts = controllerPorts;
        this.overrides = overrides;
        this.nodes = new Process[clientPorts.length];
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts {@code size} nodes and waits until every one is registered with the cluster.
     *
     * @param basePort client port of node 1 (node i gets {@code basePort + i - 1}), or 0 for free ports
     * @throws BrokerStartException saying why, when a port is taken or the cluster does not form in time
     */
    public static KafkaCluster start(Path dataDir, int size, int basePort, Map<String, String> overrides) {
        if (size < 1 || size > 9) {
            throw new BrokerStartException("a local cluster has 1 to 9 nodes, not " + size);
        }
        int[] clientPorts = new int[size];
        int[] controllerPorts = new int[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = basePort == 0 ? EmbeddedKafkaBroker.freePort() : EmbeddedKafkaBroker.checkFree(basePort + i);
            controllerPorts[i] = EmbeddedKafkaBroker.freePort();
        }
        Path root = dataDir.toAbsolutePath();
        KafkaCluster cluster = new KafkaCluster(root, clientPorts, controllerPorts, Map.copyOf(overrides));
        try {
            Files.createDirectories(root);
            Path idFile = root.resolve(CLUSTER_ID_FILE);
            if (!Files.exists(idFile)) {
                Files.writeString(idFile, Uuid.randomUuid().toString(), StandardCharsets.UTF_8);
            }
            String clusterId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
            for (int node = 1; node <= size; node++) {
                Path nodeDir = Files.createDirectories(cluster.nodeDir(node));
                Files.writeString(nodeDir.resolve(CLUSTER_ID_FILE), clusterId, StandardCharsets.UTF_8);
            }
            for (int node = 1; node <= size; node++) {
                cluster.launch(node);
            }
            cluster.awaitNodes(size, READY);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new BrokerStartException("cannot prepare " + root + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Every node's client address: {@code 127.0.0.1:P1,127.0.0.1:P2,…}. */
    public String bootstrapServers() {
        return IntStream.of(clientPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** The number of nodes. */
    public int size() {
        return nodes.length;
    }

    /** Node {@code node}'s process id, or -1 while it is down. */
    public synchronized long pid(int node) {
        Process process = nodes[node - 1];
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** SIGKILL node {@code node} (1-based), as a crash: no controlled shutdown. */
    public synchronized void kill(int node) throws InterruptedException {
        Process process = nodes[node - 1];
        if (process != null) {
            ChildJvm.kill(process);
            nodes[node - 1] = null;
        }
    }

    /** SIGTERM node {@code node}: a controlled shutdown, as in a rolling restart. */
    public synchronized void stop(int node) throws InterruptedException {
        Process process = nodes[node - 1];
        if (process != null) {
            ChildJvm.stop(process, Duration.ofSeconds(60));
            nodes[node - 1] = null;
        }
    }

    /** Starts node {@code node} again on its ports and data, and waits until the cluster sees it. */
    public synchronized void restart(int node) throws IOException {
        if (nodes[node - 1] != null && nodes[node - 1].isAlive()) {
            throw new IllegalStateException("node " + node + " is running");
        }
        launch(node);
        awaitNode(node, READY);
        awaitNodes(size(), READY);
    }

    /**
     * Waits until node {@code node} itself answers on its client port and sees itself in the
     * cluster: a node killed a moment ago is still listed by the others until its broker session
     * times out, so the cluster's view alone does not say the node is back.
     */
    private void awaitNode(int node, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + clientPorts[node - 1]);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (nodes[node - 1] != null && !nodes[node - 1].isAlive()) {
                    throw new BrokerStartException("node " + node + " exited with status " + nodes[node - 1].exitValue()
                            + "; see " + nodeDir(node).resolve("broker.log"));
                }
                try {
                    var cluster = admin.describeCluster();
                    if (cluster.nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == node)) {
                        return;
                    }
                    last = "node " + node + " answers but is not registered yet";
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new BrokerStartException("interrupted while waiting for node " + node, e);
                    }
                    last = e.getMessage();
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BrokerStartException("interrupted while waiting for node " + node, e);
                }
            }
        }
        throw new BrokerStartException("node " + node + " did not come back within " + timeout.toSeconds() + " s (" + last
                + "); see " + nodeDir(node).resolve("broker.log"));
    }

    private Path nodeDir(int node) {
        return dataDir.resolve("node-" + node);
    }

    private synchronized void launch(int node) throws IOException {
        if (closed) {
            throw new BrokerStartException("the cluster was stopped while it started");
        }
        String voters = IntStream.range(0, nodes.length)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
        List<String> args = new ArrayList<>(List.of(nodeDir(node).toString(), Integer.toString(node),
                Integer.toString(clientPorts[node - 1]), Integer.toString(controllerPorts[node - 1]), voters,
                Integer.toString(nodes.length)));
        overrides.forEach((key, value) -> args.add(key + "=" + value));
        nodes[node - 1] = ChildJvm.main(EmbeddedKafkaBroker.class).heap("512m").jvmOptions("-XX:+UseSerialGC")
                .args(args).logTo(nodeDir(node).resolve("broker.log")).start();
    }

    /** Waits until {@code expected} brokers are registered and the controller answers. */
    private void awaitNodes(int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < nodes.length; i++) {
                    if (nodes[i] != null && !nodes[i].isAlive()) {
                        throw new BrokerStartException("node " + (i + 1) + " exited with status " + nodes[i].exitValue()
                                + "; see " + nodeDir(i + 1).resolve("broker.log"));
                    }
                }
                try {
                    int registered = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    admin.listTopics().names().get(5, TimeUnit.SECONDS);
                    if (registered >= expected) {
                        return;
                    }
                    last = registered + " of " + expected + " brokers registered";
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new BrokerStartException("interrupted while waiting for the cluster", e);
                    }
                    last = e.getMessage();
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BrokerStartException("interrupted while waiting for the cluster", e);
                }
            }
        }
        throw new BrokerStartException("the cluster did not form within " + timeout.toSeconds() + " s (" + last
                + "); see the broker.log files under " + dataDir);
    }

    /** Stops every node: SIGTERM, then SIGKILL after 30 s. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ChildJvm.stopAll(java.util.Arrays.asList(nodes), Duration.ofSeconds(30));
        java.util.Arrays.fill(nodes, null);
        if (Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException e) {
                // the JVM is ending: the hook runs, finds the cluster closed, and returns
            }
        }
    }
}
