package io.streamaug.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.core.Topics;
import io.streamaug.core.cli.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamaug demo}: the whole flow on an embedded broker — topics, produce Fashion-MNIST,
 * one augment worker, one online trainer, evaluation — with progress and a final summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on an embedded Kafka broker with real Fashion-MNIST.",
            "Stages: broker → topics → produce → augment worker → online trainer → val/test accuracy.",
            "Uses the full dataset when installed (Debian: dataset-fashion-mnist), else the bundled subset."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "The bundled 6,000-image subset: well under five minutes.")
    boolean quick;

    @Option(names = "--epochs", defaultValue = "3", description = "Train-split replays (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the data topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--batch-size", defaultValue = "32", description = "Trainer minibatch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the run's results as JSON to FILE.")
    Path json;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of split, augmentation and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1 || partitions < 1 || batchSize < 1) {
            throw new UsageException("--epochs, --partitions and --batch-size must be at least 1");
        }
        if (json != null && json.getParent() != null && !Files.isDirectory(json.getParent())) {
            throw new UsageException("--json " + json + ": directory " + json.getParent() + " does not exist");
        }
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("streamaug-demo");
        Map<String, Object> results;
        try {
            System.out.println("[1/5] starting an embedded Kafka broker…");
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, Map.of())) {
                System.out.printf("      ready at %s (%.1f s)%n", broker.bootstrapServers(), (System.nanoTime() - started) / 1e9);
                DemoRun.Settings settings = new DemoRun.Settings(quick, 0, epochs, partitions, batchSize, seed);
                results = new DemoRun(KafkaOptions.of(broker.bootstrapServers(), Topics.DEFAULT), dir, settings,
                        System.out, 2, 5).run();
            }
        } finally {
            deleteRecursively(dir);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        results.put("seconds", Math.round(seconds * 10) / 10.0);
        System.out.printf("%ndemo finished in %.0f s: val accuracy %.3f, test accuracy %.3f (chance: 0.100)%n",
                seconds, results.get("val_accuracy"), results.get("test_accuracy"));
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
            System.out.println("results written to " + json);
        }
        return 0;
    }

    /** Deletes a temporary directory and everything in it; what cannot be deleted is left behind. */
    static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
