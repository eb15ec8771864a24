package io.streamaug.broker.testing;

import io.streamaug.broker.EmbeddedKafkaBroker;
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
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    public static final String MODE_PROPERTY = "streamaug.test.kafka";
    public static final String CONTAINER_IMAGE = "apache/kafka:4.1.1";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        running(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return running(context).kafka();
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
