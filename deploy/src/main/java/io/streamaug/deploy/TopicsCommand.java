package io.streamaug.deploy;

import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.TopicOptions;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code streamaug topics}: creates the project's topics that are missing, and lists the existing
 * ones whose layout differs from what the project needs, with how to fix each; it never changes an
 * existing topic.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = {"Create the project's topics that are missing.",
            "List existing ones whose partitions, replication factor or cleanup policy differ from what the project needs (they are never changed).",
            "Data topics get --partitions partitions: worker parallelism is bounded by it."})
public final class TopicsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topicOptions;

    @Override
    public Integer call() throws Exception {
        TopicLayout layout = topicOptions.layout();
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            List<Topics.Mismatch> mismatches;
            List<Topics.Outcome> outcomes;
            try {
                mismatches = kafka.topics().check(admin, layout);
                outcomes = kafka.topics().ensure(admin, layout);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            for (Topics.Outcome outcome : outcomes) {
                System.out.printf("%-8s %-22s %d partition(s), %d replica(s)%n", outcome.created() ? "created" : "exists",
                        outcome.topic(), outcome.partitions(), outcome.replicas());
            }
            for (Topics.Mismatch mismatch : mismatches) {
                System.out.println("differs  " + mismatch.topic() + ": " + mismatch.problem() + "; fix: " + mismatch.fix());
            }
            if (!mismatches.isEmpty()) {
                System.out.println(mismatches.size() + " existing topic setting(s) differ from what the project needs;"
                        + " nothing was changed");
            }
        }
        return 0;
    }
}
