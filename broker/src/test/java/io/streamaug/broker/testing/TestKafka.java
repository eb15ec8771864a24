package io.streamaug.broker.testing;

import io.streamaug.kafka.Topics;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;

/** A running test broker: where it is, and fresh topic names so that test cases never share data. */
public record TestKafka(String bootstrapServers) {
    private static final AtomicInteger NEXT = new AtomicInteger();

    /** Client properties with the bootstrap servers set. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** The project's topic names behind a prefix no other test case uses. */
    public Topics freshTopics(String testName) {
        return new Topics("t" + NEXT.incrementAndGet() + "-" + testName.replaceAll("[^A-Za-z0-9]", "") + ".");
    }
}
