package io.streamaug.deploy;

import io.streamaug.kafka.TopicLayout;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.ImageFolder;
import io.streamaug.datasets.TextCorpus;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.offline.PreviewCommand;
import io.streamaug.augment.offline.TextPreview;
import io.streamaug.worker.produce.ImageProducer;
import io.streamaug.worker.produce.ProduceSummary;
import io.streamaug.worker.produce.TextProducer;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.worker.stats.StatsJob;
import io.streamaug.worker.AugmentWorker;
import io.streamaug.worker.WorkerSetup;
import io.streamaug.kafka.ConsumerLag;
import io.streamaug.core.DatasetStats;
import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.trainer.cli.EvaluateCommand;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.OnlineTrainer;
import io.streamaug.trainer.eval.Evaluator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine;

/**
 * The demo's flow against any reachable cluster: topics → produce (Fashion-MNIST, SpamAssassin
 * with {@code text}, or an ImageFolder of photos) → training-set statistics → augment workers →
 * an online trainer → evaluation on the test topic → a report folder, with progress on {@code out}.
 */
final class DemoRun {
    /**
     * What to run: data, replays, topology, training settings, where the report goes.
     *
     * @param photos an ImageFolder of photos ({@code DIR/<class>/*.jpg}) for the photo demo, else {@code null}
     */
    record Settings(boolean bundledOnly, int limit, int epochs, int partitions, int batchSize, long seed, boolean text,
            Path textData, int workers, Path report, Path photos) {
        /** The Fashion-MNIST or text demo. */
        Settings(boolean bundledOnly, int limit, int epochs, int partitions, int batchSize, long seed, boolean text,
                Path textData, int workers, Path report) {
            this(bundledOnly, limit, epochs, partitions, batchSize, seed, text, textData, workers, report, null);
        }

        boolean isPhotos() {
            return photos != null;
        }
    }

    private static final String TEXT_DATASET = "spam-assassin";
    private static final String PHOTOS_DATASET = "photos";
    /**
     * The photo demo's val and test shares. A file's split is a seeded hash of its name, not drawn
     * per class, so the shares are large enough that, with the photo set's ~21 images a class, each
     * class has val and test images (at the default seed every one does; the run says when one has none).
     */
    static final double PHOTOS_VAL_FRACTION = 0.15;
    static final double PHOTOS_TEST_FRACTION = 0.2;
    /** The photo demo's CNN: three 3×3 convolutions with 2×2 pooling take 3×64×64 to 64×8×8, then a dense layer. */
    static final String PHOTOS_CONV_CHANNELS = "16,32,64";
    static final String PHOTOS_HIDDEN = "64";

    private final KafkaOptions kafka;
    private final Path workDir;
    private final Settings settings;
    private String command = "streamaug demo";
    private final PrintStream out;
    private final int firstStage;
    private final int stages;
    private long stageStart;
    private volatile boolean stopping;
    private boolean live;
    private volatile OnlineTrainer trainer;

    /** The command that started the demo, recorded in the report and the trainer's run.json. */
    DemoRun command(String typed) {
        this.command = typed;
        return this;
    }

    DemoRun(KafkaOptions kafka, Path workDir, Settings settings, PrintStream out, int firstStage, int stages) {
        this.kafka = kafka;
        this.workDir = workDir;
        this.settings = settings;
        this.out = out;
        this.firstStage = firstStage;
        this.stages = stages;
    }

    /** Stages this run prints, after the caller's. */
    static final int STAGES = 6;

    /**
     * Shows the trainer's live line while workers and trainer run (samples trained of the total,
     * loss, validation accuracy, rate, ETA, data wait); off by default, for tests.
     */
    DemoRun live(boolean on) {
        this.live = on;
        return this;
    }

    /** Thrown out of {@link #run} when {@link #stop} was called. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("the demo was stopped");
        }
    }

    /**
     * Asks the run to stop, from another thread (a shutdown hook): the trainer stops at once, and
     * {@link #run} unwinds — closing the workers — at the end of the stage under way.
     */
    void stop() {
        stopping = true;
        OnlineTrainer current = trainer;
        if (current != null) {
            current.stop();
        }
    }

    private void checkStopping() {
        if (stopping) {
            throw new Stopped();
        }
    }

    /** Runs the flow and returns its results (the keys of the demo's --json). */
    Map<String, Object> run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> throughput = new LinkedHashMap<>();
        Topics topics = kafka.topics();
        Path report = Files.createDirectories(settings.report());
        // Each demo is a new run on a new broker: a trainer must not resume from a previous demo's checkpoint.
        if (Files.exists(report.resolve("run"))) {
            DemoCommand.deleteRecursively(report.resolve("run"));
        }
        stage(0, "creating topics with " + settings.partitions() + " partitions");
        done(kafka.ensureTopics(TopicLayout.of(settings.partitions())).size() + " topics");

        // 1. produce
        ProduceSummary produced;
        List<String> classes;
        String dataset;
        List<TextCorpus.Row> textRows = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
            if (settings.isPhotos()) {
                stage(1, "producing the photos");
                ImageFolder folder = ImageFolder.scan(settings.photos());
                if (folder.classes().size() < 2 || folder.entries().isEmpty()) {
                    throw new UsageException("--photos: " + settings.photos() + " needs photos in at least 2 class folders "
                            + "(DIR/<class>/<image>), has " + folder.entries().size() + " in " + folder.classes().size());
                }
                classes = folder.classes();
                dataset = PHOTOS_DATASET;
                String source = String.format(Locale.ROOT, "%s: %d photos in %d classes", settings.photos().toAbsolutePath()
                        .normalize(), folder.entries().size(), classes.size());
                out.println("      source: " + source);
                results.put("dataset_source", source);
                results.put("images", folder.entries().size());
                produced = new ImageProducer(producer, topics).produce(folder, new ImageProducer.Plan(dataset,
                        PHOTOS_VAL_FRACTION, PHOTOS_TEST_FRACTION, settings.seed(), settings.epochs()));
            } else if (settings.text()) {
                stage(1, "producing SpamAssassin messages");
                TextCorpus.Loaded corpus = textCorpus();
                textRows = corpus.rows();
                classes = List.of("ham", "spam");
                dataset = TEXT_DATASET;
                produced = new TextProducer(producer, topics).produce(corpus, classes,
                        new TextProducer.Plan(dataset, 0.1, 0.2, settings.seed(), settings.epochs()));
            } else {
                stage(1, "producing Fashion-MNIST");
                FashionMnist.Source source = FashionMnist.load(null, settings.bundledOnly(), settings.limit());
                out.println("      source: " + source.description());
                results.put("dataset_source", source.description());
                classes = FashionMnist.CLASSES;
                dataset = FashionMnist.NAME;
                produced = new ImageProducer(producer, topics)
                        .produce(source, new ImageProducer.Plan(dataset, 0.1, settings.seed(), settings.epochs()));
            }
        }
        produced.lines().forEach(line -> out.println("      " + line));
        if (settings.isPhotos()) {
            for (Split split : List.of(Split.VAL, Split.TEST)) {
                int[] perClass = produced.perClass().get(split);
                for (int c = 0; c < perClass.length; c++) {
                    if (perClass[c] == 0) {
                        out.println("      note: class " + classes.get(c) + " has no " + split.wireName()
                                + " photo at this seed (each file's split is a seeded hash of its name); "
                                + "its " + split.wireName() + " accuracy is not measured");
                    }
                }
            }
        }
        results.put("dataset", dataset);
        results.put("classes", classes.size());
        results.put("chance", 1.0 / classes.size());
        throughput.put("produce_records_per_s", produced.total() / produced.seconds());
        done(String.format("%d records, %.0f records/s", produced.total(), produced.total() / produced.seconds()));
        results.put("records_produced", produced.total());

        // 2. stats
        Normalization normalization = null;
        if (settings.text()) {
            stage(2, "statistics: none needed for text");
            done("skipped");
        } else {
            stage(2, "computing the train split's mean and std (Chan et al., per partition, merged)");
            long t0 = System.nanoTime();
            StatsJob.Outcome outcome = StatsJob.compute(kafka.clientProperties(), topics, produced.dataset(),
                    Duration.ofMinutes(10));
            DatasetStats stats = StatsJob.publish(kafka.clientProperties(), topics, outcome.stats(), Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - t0) / 1e9;
            normalization = new Normalization(toFloats(stats.mean()), toFloats(stats.std()), stats.version());
            throughput.put("stats_records_per_s", outcome.recordsRead() / seconds);
            results.put("stats_mean", stats.mean());
            results.put("stats_std", stats.std());
            done(String.format("version %d: mean %s, std %s over %d images, %.0f records/s", stats.version(),
                    fourDigits(stats.mean()), fourDigits(stats.std()), stats.images(), outcome.recordsRead() / seconds));
        }

        // 3. workers and trainer
        String specName = settings.text() ? "eda" : settings.isPhotos() ? "photos" : "fashion-mnist";
        String applicationId = topics.name("streamaug-demo-augment");
        String model = settings.text() ? "hashed-text MLP" : settings.isPhotos() ? "CNN " + PHOTOS_CONV_CHANNELS.replace(',', '-')
                + " + dense " + PHOTOS_HIDDEN : "MLP";
        stage(3, settings.workers() + " augment workers (Kafka Streams, exactly-once, spec " + specName
                + ") feeding an online trainer (DL4J " + model + " + layer norm)");
        List<AugmentWorker> workers = new ArrayList<>();
        AtomicLong deadLetters = new AtomicLong();
        OnlineTrainer.Result result;
        TrainConfig trainConfig;
        long workersStarted = System.nanoTime();
        double workerSeconds;
        String input = settings.text() ? topics.rawText() : topics.rawImages();
        try {
            for (int i = 0; i < settings.workers(); i++) {
                workers.add(worker(topics, applicationId, i, normalization, classes, specName, deadLetters).start());
            }
            // The workers' own pace: from their start until they have caught up with the input.
            CompletableFuture<Double> caughtUp = CompletableFuture.supplyAsync(() -> {
                try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
                    while (ConsumerLag.of(admin, applicationId, input) > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    return (System.nanoTime() - workersStarted) / 1e9;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Double.NaN;
                } catch (java.util.concurrent.ExecutionException e) {
                    return Double.NaN;
                }
            });
            long trainRecords = produced.count(Split.TRAIN) * (long) repeats(specName);
            long stepsPerRun = Math.max(1, trainRecords / settings.batchSize());
            Map<String, String> keys = new LinkedHashMap<>();
            keys.put("name", "demo");
            keys.put("dataset", dataset);
            keys.put("norm", "layer");
            keys.put("batch_size", String.valueOf(settings.batchSize()));
            keys.put("max_samples", String.valueOf(trainRecords));
            keys.put("idle_timeout", "60");
            // About six validations a run; the photo set's val split is small enough to check more often than every 50 steps.
            keys.put("eval_every", String.valueOf(Math.max(settings.isPhotos() ? 10 : 50, stepsPerRun / 6)));
            keys.put("checkpoint_every", "0");
            keys.put("log_every", String.valueOf(Math.max(10, stepsPerRun / 200)));
            keys.put("seed", String.valueOf(settings.seed()));
            if (settings.text()) {
                keys.put("model", "text");
                keys.put("hidden", "64");
            } else if (settings.isPhotos()) {
                keys.put("model", "cnn");
                keys.put("conv_channels", PHOTOS_CONV_CHANNELS);
                keys.put("hidden", PHOTOS_HIDDEN);
            }
            trainConfig = TrainConfig.defaults().with(keys);
            trainer = new OnlineTrainer(kafka.clientProperties(), topics, trainConfig, report.resolve("run"), classes,
                    null, line -> out.println("      " + line)).live(live).command(command);
            checkStopping(); // a stop that came before the trainer existed
            result = CompletableFuture.supplyAsync(trainer::run).get();
            checkStopping();
            for (AugmentWorker worker : workers) {
                if (worker.failure() != null) {
                    throw new IllegalStateException("an augment worker failed: " + worker.failure().getMessage(), worker.failure());
                }
            }
            if (result.samples() == 0) {
                throw new IllegalStateException("the trainer received no samples; are the augment workers running?");
            }
            try {
                workerSeconds = caughtUp.get(5, java.util.concurrent.TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("the augment workers did not catch up within 5 minutes of the trainer's end");
            }
        } finally {
            workers.forEach(AugmentWorker::close);
        }
        throughput.put("augment_records_per_s", produced.total() / workerSeconds);
        throughput.put("train_samples_per_s", result.samples() / result.seconds());
        done(String.format("%d steps on %d samples, loss %.3f → %.3f, %.0f samples/s, data wait %.1f %%", result.steps(),
                result.samples(), result.firstLoss(), result.lastLoss(), result.samples() / result.seconds(),
                100 * result.dataWaitFraction()));
        results.put("train_samples", result.samples());
        results.put("steps", result.steps());
        results.put("command", command);
        results.put("model", result.model());
        results.put("records_trained", result.records());
        results.put("loss_first", result.firstLoss());
        results.put("loss_first_cross_entropy", result.initialLoss());
        results.put("loss_last", result.lastLoss());
        results.put("train_loss_includes", OnlineTrainer.trainLossIncludes(trainConfig));
        results.put("data_wait_fraction", result.dataWaitFraction());
        results.put("dead_letters", deadLetters.get() + result.deadLetters());

        // 4. evaluation
        stage(4, "evaluating on the val and test topics");
        Evaluator evaluator = new Evaluator(kafka.clientProperties(), dataset, trainer.features(), classes.size(),
                Duration.ofMinutes(5));
        Evaluator.Evaluation val = evaluator.evaluate(topics.preparedVal(), trainer.network());
        Evaluator.Evaluation test = evaluator.evaluate(topics.preparedTest(), trainer.network());
        done(String.format("val %.3f on %d, test %.3f on %d", val.accuracy(), val.total(), test.accuracy(), test.total()));
        results.put("records_prepared", result.samples() + val.total() + val.skipped() + test.total() + test.skipped());
        results.put("val_accuracy", val.accuracy());
        results.put("test_accuracy", test.accuracy());
        results.put("val_samples", val.total());
        results.put("test_samples", test.total());
        results.put("throughput", throughput);

        // 5. report
        stage(5, "writing the report to " + report);
        ByteArrayOutputStream matrix = new ByteArrayOutputStream();
        EvaluateCommand.print(new PrintStream(matrix, true, StandardCharsets.UTF_8), classes, test);
        Files.writeString(report.resolve("test-evaluation.txt"), matrix.toString(StandardCharsets.UTF_8));
        copyResource("/specs/" + specName + ".yaml", report.resolve("spec.yaml"));
        Files.writeString(report.resolve("trainer-config.json"), trainConfig.toJson());
        String preview = preview(report, specName, textRows);
        results.put("report", report.toAbsolutePath().toString());
        Path metrics = report.resolve("run").resolve("metrics.jsonl");
        results.put("metrics", metrics.toAbsolutePath().toString());
        results.put("curves", String.valueOf(result.curves() == null ? null : result.curves().toAbsolutePath()));
        String title = settings.text() ? "SpamAssassin (text, EDA)" : settings.isPhotos() ? "photos (real photographs)"
                : "Fashion-MNIST (images)";
        Files.writeString(report.resolve("index.html"), DemoReport.html(title, results, throughput, classes, test, preview,
                specName));
        done("index.html, " + preview + ", curves, confusion matrix, metrics, spec and config");
        return results;
    }

    private AugmentWorker worker(Topics topics, String applicationId, int index, Normalization normalization,
            List<String> classes, String specName, AtomicLong deadLetters) throws IOException {
        Path state = Files.createDirectories(workDir.resolve("state-" + index));
        if (settings.text()) {
            PipelineSpec images = SpecLoader.resolve("fashion-mnist", List.of());
            // No image is produced in the text demo: the image pipeline's normalisation is never used.
            return WorkerSetup.of(kafka.clientProperties(), topics, applicationId, state, images, Normalization.FASHION_MNIST)
                    .withText(SpecLoader.resolveText("eda")).build(deadLetters);
        }
        PipelineSpec spec = SpecLoader.resolve(specName, classes);
        return WorkerSetup.of(kafka.clientProperties(), topics, applicationId, state, spec, normalization).build(deadLetters);
    }

    private static int repeats(String specName) {
        return "eda".equals(specName) ? SpecLoader.resolveText("eda").repeats() : SpecLoader.resolve(specName, List.of()).repeats();
    }

    private TextCorpus.Loaded textCorpus() throws IOException {
        if (settings.textData() != null) {
            out.println("      source: " + settings.textData());
            return TextCorpus.spamAssassin(settings.textData());
        }
        Path file = workDir.resolve("spam-assassin-subset.jsonl");
        try (InputStream in = new GZIPInputStream(DemoRun.class.getResourceAsStream(
                "/io/streamaug/datasets/spam-assassin-subset.jsonl.gz"))) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        out.println("      source: bundled subset (1,200 messages; the full corpus with --data DIR)");
        return TextCorpus.jsonl(file);
    }

    private String preview(Path report, String specName, List<TextCorpus.Row> textRows) throws IOException {
        if (settings.text()) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            TextPreview.print(SpecLoader.resolveText(specName), textRows.subList(0, Math.min(5, textRows.size())), 40,
                    new PrintStream(text, true, StandardCharsets.UTF_8));
            Files.writeString(report.resolve("preview.txt"), text.toString(StandardCharsets.UTF_8));
            return "preview.txt";
        }
        List<String> args = new ArrayList<>(List.of("--spec", specName, "--out", report.resolve("preview.png").toString()));
        if (settings.isPhotos()) { // each photo whole beside three epochs' crops, at twice the model's 64×64
            args.addAll(List.of("--source", settings.photos().toString(), "--n", "8", "--whole", "--versions", "3",
                    "--cell", "128"));
        } else {
            args.addAll(List.of("--source", "fashion-mnist", "--n", "16"));
        }
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new PreviewCommand()).execute(args.toArray(String[]::new));
            if (exit != 0) {
                throw new IllegalStateException("the preview grid could not be written");
            }
        } finally {
            System.setOut(saved);
        }
        return "preview.png";
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = DemoRun.class.getResourceAsStream(resource)) {
            if (in != null) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static String fourDigits(double[] values) {
        if (values.length == 1) {
            return String.format(Locale.ROOT, "%.4f", values[0]);
        }
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format(Locale.ROOT, "%.4f", v));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private void stage(int offset, String what) {
        checkStopping();
        stageStart = System.nanoTime();
        out.printf("[%d/%d] %s…%n", firstStage + offset, stages, what);
    }

    private void done(String outcome) {
        out.printf("      %s (%.1f s)%n", outcome, (System.nanoTime() - stageStart) / 1e9);
    }
}
