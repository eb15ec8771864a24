package io.streamaug.kafka;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the project's topics are laid out on a cluster: the partitions of the data topics (worker
 * parallelism is bounded by it), the replicas of every partition, and {@code min.insync.replicas}.
 *
 * <p>Unset replicas mean the cluster's own {@code default.replication.factor}; unset min ISR means
 * RF−1 where RF ≥ 3 (one replica may be down while producers with {@code acks=all} still write), and
 * the broker's default below that. Every command that creates topics builds one of these from
 * {@link TopicOptions}; {@link Topics#ensure} is the only place that creates topics.
 */
public record TopicLayout(int partitions, Optional<Short> replicationFactor, OptionalInt minInsyncReplicas) {
    public static final int DEFAULT_PARTITIONS = 6;

    public TopicLayout {
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor.isPresent() && replicationFactor.get() < 1) {
            throw new IllegalArgumentException("--replication-factor must be at least 1, got " + replicationFactor.get());
        }
        if (minInsyncReplicas.isPresent()) {
            int minIsr = minInsyncReplicas.getAsInt();
            if (minIsr < 1) {
                throw new IllegalArgumentException("--min-insync-replicas must be at least 1, got " + minIsr);
            }
            if (replicationFactor.isPresent() && minIsr > replicationFactor.get()) {
                throw new IllegalArgumentException("--min-insync-replicas " + minIsr
                        + " is more than --replication-factor " + replicationFactor.get() + ": no write could succeed");
            }
        }
    }

    /** {@code partitions} data partitions, replicas and min ISR from the cluster's defaults. */
    public static TopicLayout of(int partitions) {
        return new TopicLayout(partitions, Optional.empty(), OptionalInt.empty());
    }

    /** The same layout with an explicit replication factor (min ISR still derived from it). */
    public TopicLayout withReplicationFactor(int replicas) {
        return new TopicLayout(partitions, Optional.of((short) replicas), minInsyncReplicas);
    }

    /** The min ISR to set on a topic of {@code replicas} replicas, or empty to leave the broker's default. */
    OptionalInt minInsyncFor(short replicas) {
        if (minInsyncReplicas.isPresent()) {
            return minInsyncReplicas;
        }
        return replicas >= 3 ? OptionalInt.of(replicas - 1) : OptionalInt.empty();
    }
}
