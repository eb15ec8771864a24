package io.streamaug.broker;

import io.streamaug.core.cli.UsageException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamaug broker}: a local Kafka broker until Ctrl-C or SIGTERM; with {@code --nodes N} a
 * cluster of N, each node its own process, data directory and port.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run a KRaft Apache Kafka broker on 127.0.0.1 (no Docker needed).",
            "With --nodes N: a cluster of N brokers, each its own process, data directory (DIR/node-I) and port (PORT, PORT+1, ...).",
            "Topics and records survive a restart on the same --data-dir."})
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = ".streamaug/kafka", paramLabel = "DIR",
            description = "Where the broker keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--broker-config", paramLabel = "KEY=VALUE",
            description = "Extra broker setting, repeatable (e.g. --broker-config log.retention.hours=24).")
    Map<String, String> brokerConfig = Map.of();

    @Option(names = "--nodes", defaultValue = "1", paramLabel = "N",
            description = "Brokers in the local cluster, 1 to 9; with 3 or more, topics get 3 replicas (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--secure",
            description = "SASL_SSL with SCRAM-SHA-512 and ACLs enforced: certificates and an admin user are made in "
                    + "DIR/security on first start; the admin's client settings are written to a file for --kafka-config.")
    boolean secure;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw new UsageException("--port " + port + " is not in 1..65535");
        }
        if (nodes < 1 || nodes > 9) {
            throw new UsageException("--nodes must be 1 to 9, got " + nodes);
        }
        if (nodes > 1) {
            if (secure) {
                throw new UsageException("--secure runs one broker; drop --nodes, or secure a cluster with its own tools "
                        + "(docs/deploy.md#a-secured-cluster)");
            }
            return cluster();
        }
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(dataDir, port, brokerConfig, secure);
        } catch (EmbeddedKafkaBroker.BrokerStartException e) {
            throw new UsageException(e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping broker…");
            broker.close();
            stopped.countDown();
        }, "streamaug-broker-shutdown"));
        System.out.println("Kafka broker ready at " + broker.bootstrapServers() + " (data in " + broker.dataDir()
                + "); Ctrl-C to stop");
        broker.security().ifPresent(s -> System.out.println("secured: SASL_SSL, SCRAM-SHA-512, ACLs enforced; the admin's "
                + "client settings (password included, readable only by you) are in " + s.clientConfig()
                + "; pass --kafka-config " + s.clientConfig()));
        System.out.flush();
        broker.awaitShutdown();
        stopped.await();
        return 0;
    }

    private int cluster() throws InterruptedException {
        if (port + nodes - 1 > 65535) {
            throw new UsageException("--port " + port + " leaves no room for " + nodes + " brokers' ports");
        }
        System.out.println("starting " + nodes + " brokers…");
        KafkaCluster cluster;
        try {
            cluster = KafkaCluster.start(dataDir, nodes, port, brokerConfig);
        } catch (EmbeddedKafkaBroker.BrokerStartException e) {
            throw new UsageException(e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping " + nodes + " brokers…");
            cluster.close();
            stopped.countDown();
        }, "streamaug-cluster-shutdown"));
        System.out.println("Kafka cluster of " + nodes + " brokers ready at " + cluster.bootstrapServers()
                + " (data in " + dataDir.toAbsolutePath() + "); Ctrl-C to stop");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
