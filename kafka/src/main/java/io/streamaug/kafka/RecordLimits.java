package io.streamaug.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The largest values the worker may write: to the prepared topics, and to the dead-letter topic,
 * each the topic's own {@code max.message.bytes} less room for the key, headers and batch framing.
 * A value over the first is dead-lettered instead of sent (a broker that refused it would abort the
 * worker's transaction, and every worker taking the partition over would fail the same way); a
 * dead letter over the second carries a reference to its source instead of the value.
 */
public record RecordLimits(int preparedBytes, int deadLetterBytes) {
    /** Room left in a record for the key, headers and framing. */
    public static final int FRAMING = 16 * 1024;
    /** Kafka's default {@code max.message.bytes}. */
    public static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    /** What a cluster with Kafka's defaults allows. */
    public static final RecordLimits KAFKA_DEFAULTS = ofTopicLimits(KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
            KAFKA_DEFAULT_MAX_MESSAGE_BYTES);

    public RecordLimits {
        if (preparedBytes < 1 || deadLetterBytes < 1) {
            throw new IllegalArgumentException("record limits must be positive, got " + preparedBytes + " and "
                    + deadLetterBytes);
        }
    }

    /** Limits for topics whose {@code max.message.bytes} are as given. */
    public static RecordLimits ofTopicLimits(int preparedTopicMax, int deadLetterTopicMax) {
        return new RecordLimits(Math.max(1, preparedTopicMax - FRAMING), Math.max(1, deadLetterTopicMax - FRAMING));
    }

    /** The smallest {@code max.message.bytes} the topic of a record of this size must allow. */
    public int producerMaxRequestBytes() {
        return Math.max(preparedBytes, deadLetterBytes) + FRAMING;
    }

    /** Reads the topics' effective {@code max.message.bytes} (their own, else the broker's). */
    public static RecordLimits of(Admin admin, Topics topics) throws InterruptedException, ExecutionException {
        List<String> prepared = List.of(topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest());
        List<ConfigResource> resources = new java.util.ArrayList<>();
        prepared.forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
        resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topics.dlq()));
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        int preparedMax = Integer.MAX_VALUE;
        for (String topic : prepared) {
            preparedMax = Math.min(preparedMax, maxMessageBytes(configs, topic));
        }
        return ofTopicLimits(preparedMax, maxMessageBytes(configs, topics.dlq()));
    }

    private static int maxMessageBytes(Map<ConfigResource, Config> configs, String topic) {
        Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return entry == null || entry.value() == null ? KAFKA_DEFAULT_MAX_MESSAGE_BYTES : Integer.parseInt(entry.value());
    }
}
