package io.streamaug.deploy;

import io.streamaug.augment.data.FashionMnist;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.produce.ImageProducer;
import io.streamaug.augment.produce.ProduceCommand;
import io.streamaug.augment.produce.ProduceSummary;
import io.streamaug.augment.stream.AugmentConfig;
import io.streamaug.augment.stream.AugmentTopology;
import io.streamaug.augment.stream.AugmentWorker;
import io.streamaug.augment.stream.DatasetDirectory;
import io.streamaug.core.ConsumerLag;
import io.streamaug.core.Split;
import io.streamaug.core.Topics;
import io.streamaug.core.cli.KafkaOptions;
import io.streamaug.trainer.Evaluator;
import io.streamaug.trainer.OnlineTrainer;
import io.streamaug.trainer.TrainConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The demo's flow against any reachable cluster: topics → produce Fashion-MNIST → one augment
 * worker → one online trainer → val and test accuracy, with progress on {@code out}.
 */
final class DemoRun {
    /** What to run: data size, replays, topology and training settings. */
    record Settings(boolean bundledOnly, int limit, int epochs, int partitions, int batchSize, long seed) {
    }

    private final KafkaOptions kafka;
    private final Path workDir;
    private final Settings settings;
    private final PrintStream out;
    private final int firstStage;
    private final int stages;
    private long stageStart;

    DemoRun(KafkaOptions kafka, Path workDir, Settings settings, PrintStream out, int firstStage, int stages) {
        this.kafka = kafka;
        this.workDir = workDir;
        this.settings = settings;
        this.out = out;
        this.firstStage = firstStage;
        this.stages = stages;
    }

    /** Runs the flow and returns its results (the keys of the demo's --json). */
    Map<String, Object> run() throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        Topics topics = kafka.topics();
        stage(0, "creating topics with " + settings.partitions() + " partitions");
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            topics.ensure(admin, settings.partitions(), (short) 1);
        }
        done(topics.definitions(settings.partitions(), (short) 1).size() + " topics");

        stage(1, "producing Fashion-MNIST");
        FashionMnist.Source source = FashionMnist.load(null, settings.bundledOnly(), settings.limit());
        out.println("      source: " + source.description());
        ProduceSummary produced;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ProduceCommand.producerProperties(kafka))) {
            produced = new ImageProducer(producer, topics)
                    .produce(source, new ImageProducer.Plan(FashionMnist.NAME, 0.1, settings.seed(), settings.epochs()));
        }
        produced.lines().forEach(line -> out.println("      " + line));
        done(String.format("%d records, %.0f records/s", produced.total(), produced.total() / produced.seconds()));
        results.put("records_produced", produced.total());
        results.put("dataset_source", source.description());

        stage(2, "one augment worker (Kafka Streams, exactly-once, spec fashion-mnist) feeding an online trainer (DL4J MLP + layer norm)");
        String applicationId = "streamaug-demo-augment" + (topics.prefix().isEmpty() ? "" : "-" + topics.prefix());
        var config = AugmentConfig.build(kafka.clientProperties(), topics, applicationId, 1,
                Files.createDirectories(workDir.resolve("state")).toString());
        PipelineSpec spec = SpecLoader.resolve("fashion-mnist", FashionMnist.CLASSES);
        int classes = FashionMnist.CLASSES.size();
        try (AugmentWorker worker = new AugmentWorker(AugmentTopology.build(topics,
                DatasetDirectory.fromKafka(kafka.clientProperties(), topics),
                () -> new ImagePipeline(spec, spec.normalization(), classes), null), config).start()) {
            long trainRecords = produced.count(Split.TRAIN);
            long stepsPerRun = Math.max(1, trainRecords / settings.batchSize());
            TrainConfig trainConfig = TrainConfig.defaults().with(Map.of(
                    "name", "demo",
                    "batch_size", String.valueOf(settings.batchSize()),
                    "max_samples", String.valueOf(trainRecords),
                    "idle_timeout", "60",
                    "eval_every", String.valueOf(Math.max(50, stepsPerRun / 6)),
                    "checkpoint_every", "0",
                    "log_every", String.valueOf(Math.max(10, stepsPerRun / 200)),
                    "seed", String.valueOf(settings.seed())));
            Path runDir = workDir.resolve("runs").resolve("demo");
            OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), topics, trainConfig, runDir,
                    FashionMnist.CLASSES, null, line -> out.println("      " + line));
            OnlineTrainer.Result result = CompletableFuture.supplyAsync(trainer::run).get();
            if (worker.failure() != null) {
                throw new IllegalStateException("the augment worker failed: " + worker.failure().getMessage(), worker.failure());
            }
            if (result.samples() == 0) {
                throw new IllegalStateException("the trainer received no samples; is the augment worker running?");
            }
            done(String.format("%d steps on %d samples, loss %.3f → %.3f, %.0f samples/s, data wait %.1f %%", result.steps(),
                    result.samples(), result.firstLoss(), result.lastLoss(), result.samples() / result.seconds(),
                    100 * result.dataWaitFraction()));
            results.put("train_samples", result.samples());
            results.put("steps", result.steps());
            results.put("loss_first", result.firstLoss());
            results.put("loss_last", result.lastLoss());
            results.put("initial_loss", result.initialLoss());
            results.put("data_wait_fraction", result.dataWaitFraction());
            results.put("train_samples_per_s", result.samples() / result.seconds());
            results.put("metrics", String.valueOf(result.metrics()));
            results.put("curves", String.valueOf(result.curves()));
            results.put("checkpoint", String.valueOf(result.checkpoint()));

            stage(3, "waiting for the worker to finish val and test, then evaluating");
            try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (ConsumerLag.of(admin, applicationId, topics.rawImages()) > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the augment worker did not catch up within 5 minutes");
                    }
                    Thread.sleep(200);
                }
            }
            Evaluator evaluator = new Evaluator(kafka.clientProperties(), FashionMnist.NAME, trainer.features(), classes,
                    Duration.ofMinutes(5));
            Evaluator.Evaluation val = evaluator.evaluate(topics.preparedVal(), trainer.network());
            Evaluator.Evaluation test = evaluator.evaluate(topics.preparedTest(), trainer.network());
            done(String.format("val %.3f on %d, test %.3f on %d", val.accuracy(), val.total(), test.accuracy(), test.total()));
            results.put("records_prepared", result.samples() + val.total() + val.skipped() + test.total() + test.skipped());
            results.put("val_accuracy", val.accuracy());
            results.put("test_accuracy", test.accuracy());
        }
        return results;
    }

    private void stage(int offset, String what) {
        stageStart = System.nanoTime();
        out.printf("[%d/%d] %s…%n", firstStage + offset, stages, what);
    }

    private void done(String outcome) {
        out.printf("      %s (%.1f s)%n", outcome, (System.nanoTime() - stageStart) / 1e9);
    }
}
