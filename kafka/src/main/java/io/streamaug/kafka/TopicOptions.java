package io.streamaug.kafka;

import io.streamaug.core.cli.UsageException;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The topic-layout flags of every command that may create the project's topics ({@code topics},
 * {@code produce}, {@code augment}, {@code dataset}, the demo and the benchmarks): one set of
 * names, defaults and checks, turned into a {@link TopicLayout}.
 */
public final class TopicOptions {
    @Option(names = "--partitions", paramLabel = "N", defaultValue = "" + TopicLayout.DEFAULT_PARTITIONS,
            description = "Partitions of the data topics this creates if missing; worker parallelism is bounded"
                    + " by it (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replicas of each partition of topics this creates (default: the cluster's"
                    + " default.replication.factor).")
    Short replicationFactor;

    @Option(names = "--min-insync-replicas", paramLabel = "N",
            description = "min.insync.replicas of topics this creates (default: replicas - 1 with 3 or more"
                    + " replicas, else the broker's default).")
    Integer minInsyncReplicas;

    /** The layout the flags ask for, or one clear line naming the flag that is wrong. */
    public TopicLayout layout() {
        try {
            return new TopicLayout(partitions, Optional.ofNullable(replicationFactor),
                    minInsyncReplicas == null ? OptionalInt.empty() : OptionalInt.of(minInsyncReplicas));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The partitions flag alone (for commands that also size other things by it). */
    public int partitions() {
        return partitions;
    }
}
