package io.streamaug.deploy;

import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug topics}: creates the project's topics that are missing. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = {"Create the project's topics that are missing (existing ones are left alone).",
            "Data topics get --partitions partitions: worker parallelism is bounded by it."})
public final class TopicsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the data topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1", description = "Replicas per partition (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Override
    public Integer call() throws Exception {
        if (partitions < 1) {
            throw new UsageException("--partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new UsageException("--replication-factor must be at least 1, got " + replicationFactor);
        }
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            for (Topics.Outcome outcome : kafka.topics().ensure(admin, partitions, replicationFactor)) {
                System.out.printf("%-8s %-22s %d partition(s)%n", outcome.created() ? "created" : "exists",
                        outcome.topic(), outcome.partitions());
            }
        }
        return 0;
    }
}
