package io.streamaug.broker.testing;

import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.broker.KafkaCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives a test class a real Kafka broker, started once per test JVM and shared by every class that
 * uses the extension; a {@link TestKafka} parameter receives it. The default is this project's
 * embedded KRaft broker; {@code -Dstreamaug.test.kafka=testcontainers} uses Testcontainers'
 * {@code apache/kafka} container instead, where a Docker engine exists.
 *
 * <p>A {@link KafkaCluster} parameter receives a three-node cluster of child JVMs instead, started
 * once per test class and stopped after it, whose nodes a test may kill, stop and restart.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    public static final String MODE_PROPERTY = "streamaug.test.kafka";
    public static final String CONTAINER_IMAGE = "apache/kafka:4.1.1";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        running(context);
    }

    /** Nodes of the cluster a {@link KafkaCluster} parameter receives. */
    public static final int CLUSTER_SIZE = 3;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestKafka.class || type == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == KafkaCluster.class) {
            ExtensionContext owner = context.getParent().filter(p -> p.getTestClass().isPresent()).orElse(context);
            return owner.getStore(NAMESPACE).getOrComputeIfAbsent("cluster", key -> startCluster(), ClusterRunning.class)
                    .cluster();
        }
        return running(context).kafka();
    }

    private static ClusterRunning startCluster() {
        try {
            Path dir = Files.createTempDirectory("streamaug-test-cluster");
            KafkaCluster cluster = KafkaCluster.start(dir, CLUSTER_SIZE, 0, Map.of());
            return new ClusterRunning(cluster, dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for the test cluster", e);
        }
    }

    /** A test class's cluster; JUnit closes it when the class's context ends, stopping every node by PID. */
    record ClusterRunning(KafkaCluster cluster, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
            deleteRecursively(dir);
        }
    }

    private static Running running(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("broker", key -> start(), Running.class);
    }

    private static Running start() {
        String mode = System.getProperty(MODE_PROPERTY, "embedded");
        switch (mode) {
            case "embedded" -> {
                try {
                    Path dir = Files.createTempDirectory("streamaug-test-kafka");
                    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of());
                    return new Running(new TestKafka(broker.bootstrapServers()), () -> {
                        broker.close();
                        deleteRecursively(dir);
                    });
                } catch (IOException e) {
                    throw new IllegalStateException("cannot create a directory for the test broker", e);
                }
            }
            case "testcontainers" -> {
                KafkaContainer container = new KafkaContainer(CONTAINER_IMAGE);
                container.start();
                return new Running(new TestKafka(container.getBootstrapServers()), container::stop);
            }
            default -> throw new IllegalArgumentException(MODE_PROPERTY + "=" + mode
                    + " is not 'embedded' or 'testcontainers'");
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    /** The broker and how to stop it; JUnit closes it when the root context (the JVM's run) ends. */
    record Running(TestKafka kafka, Runnable stop) implements AutoCloseable {
        @Override
        public void close() {
            stop.run();
        }
    }
}
