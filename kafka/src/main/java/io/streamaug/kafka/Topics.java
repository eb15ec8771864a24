package io.streamaug.kafka;

import io.streamaug.core.Split;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The project's topics: names, and the settings each is created with. The names are DESIGN's,
 * optionally behind a prefix ({@code --topic-prefix}) so that several independent pipelines, or
 * test cases, can share one cluster.
 */
public record Topics(String prefix) {
    public static final String RAW_IMAGES = "raw.images";
    public static final String RAW_TEXT = "raw.text";
    public static final String AUGMENTED_TRAIN = "augmented.train";
    public static final String PREPARED_VAL = "prepared.val";
    public static final String PREPARED_TEST = "prepared.test";
    /** Compacted: one record per dataset (class names, channels, size). */
    public static final String DATASETS = "streamaug.datasets";
    /** Compacted: versioned training-set statistics per dataset. */
    public static final String STATS = "streamaug.stats";
    /** Dead letters: the source record as it was, with headers saying why. */
    public static final String DLQ = "streamaug.dlq";

    /** Dead letters are kept for two weeks, long enough to notice and replay them. */
    public static final Duration DLQ_RETENTION = Duration.ofDays(14);

    /** DESIGN's names, no prefix. */
    public static final Topics DEFAULT = new Topics("");

    public Topics {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may only contain letters, digits, '.', '_' and '-'");
        }
    }

    public String rawImages() {
        return prefix + RAW_IMAGES;
    }

    public String rawText() {
        return prefix + RAW_TEXT;
    }

    public String augmentedTrain() {
        return prefix + AUGMENTED_TRAIN;
    }

    public String preparedVal() {
        return prefix + PREPARED_VAL;
    }

    public String preparedTest() {
        return prefix + PREPARED_TEST;
    }

    public String datasets() {
        return prefix + DATASETS;
    }

    public String stats() {
        return prefix + STATS;
    }

    public String dlq() {
        return prefix + DLQ;
    }

    /** The prepared topic a split goes to. */
    public String preparedFor(Split split) {
        return switch (split) {
            case TRAIN -> augmentedTrain();
            case VAL -> preparedVal();
            case TEST -> preparedTest();
        };
    }

    /**
     * Every topic of the project with its settings. Data topics get {@code partitions} partitions
     * (parallelism of the workers is bounded by it); the compacted metadata topics get one.
     */
    public List<NewTopic> definitions(int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, got " + replicationFactor);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : List.of(rawImages(), rawText(), augmentedTrain(), preparedVal(), preparedTest())) {
            topics.add(new NewTopic(name, partitions, replicationFactor));
        }
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        topics.add(new NewTopic(datasets(), 1, replicationFactor).configs(compacted));
        topics.add(new NewTopic(stats(), 1, replicationFactor).configs(compacted));
        topics.add(new NewTopic(dlq(), partitions, replicationFactor).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(DLQ_RETENTION.toMillis()))));
        return topics;
    }

    /**
     * Waits until the topics are described, every partition has a leader, and every partition of a
     * just-created topic answers for its end offset — only a leader that has loaded the partition
     * does; a producer writing before that can wait out its whole delivery timeout.
     */
    private static Map<String, TopicDescription> awaitReady(Admin admin, List<String> names, Set<String> created)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
                boolean leaders = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                if (leaders) {
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends = new java.util.HashMap<>();
                    for (String topic : created) {
                        for (var partition : described.get(topic).partitions()) {
                            ends.put(new org.apache.kafka.common.TopicPartition(topic, partition.partition()),
                                    org.apache.kafka.clients.admin.OffsetSpec.latest());
                        }
                    }
                    if (!ends.isEmpty()) {
                        admin.listOffsets(ends).all().get();
                    }
                    return described;
                }
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " did not get partition leaders within 30 s");
            }
            Thread.sleep(100);
        }
    }

    /** What {@link #ensure} found or did, per topic. */
    public record Outcome(String topic, boolean created, int partitions) {
    }

    /**
     * Creates whichever of the project's topics are missing; existing topics are left as they are
     * (changing a topic's partition count would move keys between partitions).
     */
    public List<Outcome> ensure(Admin admin, int partitions, short replicationFactor)
            throws InterruptedException, ExecutionException {
        List<NewTopic> wanted = definitions(partitions, replicationFactor);
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
        Set<String> created = new java.util.HashSet<>();
        if (!missing.isEmpty()) {
            var result = admin.createTopics(missing);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get();
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        Map<String, TopicDescription> described = awaitReady(admin, wanted.stream().map(NewTopic::name).toList(), created);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (NewTopic topic : wanted) {
            outcomes.put(topic.name(), new Outcome(topic.name(), created.contains(topic.name()),
                    described.get(topic.name()).partitions().size()));
        }
        return List.copyOf(outcomes.values());
    }
}
