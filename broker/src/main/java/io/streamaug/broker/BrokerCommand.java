package io.streamaug.broker;

import io.streamaug.core.cli.UsageException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamaug broker}: a local single-node Kafka broker until Ctrl-C or SIGTERM. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run a single-node KRaft Apache Kafka broker on 127.0.0.1 (no Docker needed).",
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

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw new UsageException("--port " + port + " is not in 1..65535");
        }
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(dataDir, port, brokerConfig);
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
        System.out.flush();
        broker.awaitShutdown();
        stopped.await();
        return 0;
    }
}
