package io.streamaug.kafka;

import io.streamaug.core.Split;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.OptionalInt;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The project's topics: names, and the settings each is created with. The names are DESIGN's,
 * optionally behind a prefix ({@code --topic-prefix}) so that several independent pipelines, or
 * test cases, can share one cluster. The prefix and a name are joined by a dot ({@code uxp} →
 * {@code uxp.raw.images}) unless the prefix already ends in {@code .}, {@code -} or {@code _}. The
 * same rule names the pipeline's consumer groups and Kafka Streams application ids
 * ({@link #name}), so that two prefixed pipelines share nothing.
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

    /**
     * {@code base} in this pipeline's namespace: a topic, consumer group or application id. With no
     * prefix it is {@code base} itself.
     */
    public String name(String base) {
        if (prefix.isEmpty() || prefix.endsWith(".") || prefix.endsWith("-") || prefix.endsWith("_")) {
            return prefix + base;
        }
        return prefix + "." + base;
    }

    /**
     * The topics whose augmented train topic is {@code topic} (as a checkpoint records it), or
     * {@code null} when {@code topic} is not one of the project's.
     */
    public static Topics ofAugmentedTrain(String topic) {
        if (topic == null || !topic.endsWith(AUGMENTED_TRAIN)) {
            return null;
        }
        return new Topics(topic.substring(0, topic.length() - AUGMENTED_TRAIN.length()));
    }

    public String rawImages() {
        return name(RAW_IMAGES);
    }

    public String rawText() {
        return name(RAW_TEXT);
    }

    public String augmentedTrain() {
        return name(AUGMENTED_TRAIN);
    }

    public String preparedVal() {
        return name(PREPARED_VAL);
    }

    public String preparedTest() {
        return name(PREPARED_TEST);
    }

    public String datasets() {
        return name(DATASETS);
    }

    public String stats() {
        return name(STATS);
    }

    public String dlq() {
        return name(DLQ);
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
     * (parallelism of the workers is bounded by it); the compacted metadata topics get one. With
     * {@code minInsync} present, every topic gets that {@code min.insync.replicas}.
     */
    public List<NewTopic> definitions(int partitions, short replicationFactor, OptionalInt minInsync) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, got " + replicationFactor);
        }
        Map<String, String> common = new HashMap<>();
        minInsync.ifPresent(n -> common.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        List<NewTopic> topics = new ArrayList<>();
        for (String name : List.of(rawImages(), rawText(), augmentedTrain(), preparedVal(), preparedTest())) {
            topics.add(new NewTopic(name, partitions, replicationFactor).configs(Map.copyOf(common)));
        }
        Map<String, String> compacted = new HashMap<>(common);
        compacted.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        topics.add(new NewTopic(datasets(), 1, replicationFactor).configs(Map.copyOf(compacted)));
        topics.add(new NewTopic(stats(), 1, replicationFactor).configs(Map.copyOf(compacted)));
        Map<String, String> dlq = new HashMap<>(common);
        dlq.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(DLQ_RETENTION.toMillis()));
        topics.add(new NewTopic(dlq(), partitions, replicationFactor).configs(Map.copyOf(dlq)));
        return topics;
    }

    /** The definitions for a layout whose replication factor is known. */
    public List<NewTopic> definitions(TopicLayout layout, short replicationFactor) {
        return definitions(layout.partitions(), replicationFactor, layout.minInsyncFor(replicationFactor));
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
    public record Outcome(String topic, boolean created, int partitions, int replicas) {
    }

    /**
     * Creates whichever of the project's topics are missing, with the layout's partitions and
     * replicas; existing topics are left as they are (changing a topic's partition count would move
     * keys between partitions; {@link #check} says what differs). This is the only place that
     * creates the project's topics.
     *
     * @throws IllegalArgumentException when a topic is missing and the layout asks for more replicas than
     *                                  the cluster has brokers
     */
    public List<Outcome> ensure(Admin admin, TopicLayout layout) throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        List<String> wanted = definitions(layout, (short) 1).stream().map(NewTopic::name).toList();
        // The replication factor is asked of the cluster only when something is to be created: a worker
        // restarting while one broker of three is down must start on the topics that exist.
        List<NewTopic> missing = existing.containsAll(wanted) ? List.of()
                : definitions(layout, replicationFactor(admin, layout)).stream().filter(t -> !existing.contains(t.name())).toList();
        Set<String> created = new java.util.HashSet<>();
        if (!missing.isEmpty()) {
            var result = admin.createTopics(missing);
            List<String> denied = new java.util.ArrayList<>();
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get();
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.TopicAuthorizationException
                            || e.getCause() instanceof org.apache.kafka.common.errors.ClusterAuthorizationException) {
                        denied.add(entry.getKey());
                    } else if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            if (!denied.isEmpty()) {
                java.util.Collections.sort(denied);
                throw new io.streamaug.core.cli.UsageException("not authorised to CREATE topic" + (denied.size() > 1 ? "s " : " ")
                        + String.join(", ", denied) + " (the cluster's ACLs): grant this user CREATE on them, e.g. a "
                        + "PREFIXED topic ACL on the topic prefix, or have an admin run './streamaug topics' first");
            }
        }
        Map<String, TopicDescription> described = awaitReady(admin, wanted, created);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String topic : wanted) {
            TopicDescription description = described.get(topic);
            outcomes.put(topic, new Outcome(topic, created.contains(topic),
                    description.partitions().size(), description.partitions().get(0).replicas().size()));
        }
        return List.copyOf(outcomes.values());
    }

    /**
     * The replication factor a layout means on this cluster: its own, else the cluster's
     * {@code default.replication.factor} (read from a broker's configuration; 1 where the
     * principal may not describe it), checked against the number of brokers.
     */
    public static short replicationFactor(Admin admin, TopicLayout layout) throws InterruptedException, ExecutionException {
        Collection<Node> nodes = admin.describeCluster().nodes().get();
        short replicas;
        if (layout.replicationFactor().isPresent()) {
            replicas = layout.replicationFactor().get();
        } else {
            replicas = clusterDefaultReplicationFactor(admin, nodes);
        }
        if (replicas > nodes.size()) {
            throw new IllegalArgumentException("replication factor " + replicas + " needs " + replicas
                    + " brokers, but the cluster has " + nodes.size() + "; pass --replication-factor "
                    + nodes.size() + " or fewer");
        }
        return replicas;
    }

    private static short clusterDefaultReplicationFactor(Admin admin, Collection<Node> nodes)
            throws InterruptedException {
        if (nodes.isEmpty()) {
            return 1;
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        try {
            Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
            ConfigEntry entry = config == null ? null : config.get("default.replication.factor");
            return entry == null || entry.value() == null ? 1 : Short.parseShort(entry.value());
        } catch (ExecutionException | NumberFormatException e) {
            return 1;
        }
    }

    /** One way an existing topic differs from what the project needs, and how to fix it. */
    public record Mismatch(String topic, String problem, String fix) {
    }

    /**
     * Existing topics whose partitions, replication factor or cleanup policy differ from what the
     * layout asks for. Nothing is changed: each mismatch says how to fix it.
     */
    public List<Mismatch> check(Admin admin, TopicLayout layout) throws InterruptedException, ExecutionException {
        short replicas = replicationFactor(admin, layout);
        List<NewTopic> wanted = definitions(layout, replicas);
        Set<String> existing = admin.listTopics().names().get();
        List<String> present = wanted.stream().map(NewTopic::name).filter(existing::contains).toList();
        if (present.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames().get();
        List<ConfigResource> resources = present.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        List<Mismatch> mismatches = new ArrayList<>();
        for (NewTopic topic : wanted) {
            TopicDescription description = described.get(topic.name());
            if (description == null) {
                continue;
            }
            int partitions = description.partitions().size();
            boolean metadata = topic.numPartitions() == 1;
            if (metadata && partitions != 1) {
                mismatches.add(new Mismatch(topic.name(), "has " + partitions + " partitions, needs 1 (one ordered log)",
                        "recreate it: kafka-topics --delete --topic " + topic.name() + ", then './streamaug topics'"));
            } else if (!metadata && partitions < topic.numPartitions()) {
                mismatches.add(new Mismatch(topic.name(), "has " + partitions + " partitions, fewer than --partitions "
                        + topic.numPartitions() + " (at most " + partitions + " workers share it)",
                        "kafka-topics --alter --topic " + topic.name() + " --partitions " + topic.numPartitions()
                                + " (moves keys: do it before producing)"));
            }
            int actualReplicas = description.partitions().get(0).replicas().size();
            if (actualReplicas < replicas) {
                mismatches.add(new Mismatch(topic.name(), "has " + actualReplicas + " replica(s), needs " + replicas,
                        "kafka-reassign-partitions with a plan that adds replicas"));
            }
            String wantedPolicy = topic.configs() == null ? null : topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            ConfigEntry policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String actualPolicy = policy == null ? TopicConfig.CLEANUP_POLICY_DELETE : policy.value();
            String expected = wantedPolicy == null ? TopicConfig.CLEANUP_POLICY_DELETE : wantedPolicy;
            if (!expected.equals(actualPolicy)) {
                mismatches.add(new Mismatch(topic.name(), "has cleanup.policy=" + actualPolicy + ", needs " + expected,
                        "kafka-configs --alter --entity-type topics --entity-name " + topic.name()
                                + " --add-config cleanup.policy=" + expected));
            }
        }
        return mismatches;
    }
}
