package io.streamaug.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamaug.augment.data.FashionMnist;
import io.streamaug.augment.image.HorizontalFlip;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.produce.ImageProducer;
import io.streamaug.augment.produce.ProduceCommand;
import io.streamaug.augment.stream.AugmentConfig;
import io.streamaug.augment.stream.AugmentTopology;
import io.streamaug.augment.stream.AugmentWorker;
import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.core.ConsumerLag;
import io.streamaug.core.Topics;
import io.streamaug.core.cli.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Dtype;
import io.streamaug.trainer.Evaluator;
import io.streamaug.trainer.Mlp;
import io.streamaug.trainer.OnlineTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
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
    @Option(names = "--quick", description = "The bundled 6,000-image subset, 3 epochs: a few minutes at most.")
    boolean quick;

    @Option(names = "--epochs", description = "Train-split replays (default: 3).")
    Integer epochs;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the data topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--batch-size", defaultValue = "32", description = "Trainer minibatch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the run's results as JSON to FILE.")
    Path json;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of split, augmentation and training (default: ${DEFAULT-VALUE}).")
    long seed;

    private long stageStart;

    @Override
    public Integer call() throws Exception {
        int replays = epochs != null ? epochs : 3;
        if (replays < 1) {
            throw new UsageException("--epochs must be at least 1, got " + replays);
        }
        if (partitions < 1 || batchSize < 1) {
            throw new UsageException("--partitions and --batch-size must be at least 1");
        }
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("streamaug-demo");
        Map<String, Object> results = new LinkedHashMap<>();
        try {
            stage(1, "starting an embedded Kafka broker");
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, Map.of())) {
                done("ready at " + broker.bootstrapServers());
                run(KafkaOptions.of(broker.bootstrapServers(), Topics.DEFAULT), dir, replays, results);
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

    private void run(KafkaOptions kafka, Path dir, int replays, Map<String, Object> results) throws Exception {
        Topics topics = kafka.topics();
        stage(2, "creating topics with " + partitions + " partitions");
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            topics.ensure(admin, partitions, (short) 1);
        }
        done(topics.definitions(partitions, (short) 1).size() + " topics");

        stage(3, "producing Fashion-MNIST");
        FashionMnist.Source source = FashionMnist.load(null, quick, 0);
        System.out.println("      source: " + source.description());
        ImageProducer.Summary produced;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ProduceCommand.producerProperties(kafka))) {
            produced = new ImageProducer(producer, topics)
                    .produce(source, new ImageProducer.Plan(FashionMnist.NAME, 0.1, seed, replays));
        }
        produced.lines().forEach(line -> System.out.println("      " + line));
        done(String.format("%d records, %.0f records/s", produced.total(), produced.total() / produced.seconds()));
        results.put("records_produced", produced.total());
        results.put("dataset_source", source.description());

        stage(4, "starting one augment worker (Kafka Streams, exactly-once) and an online trainer (DL4J MLP + layer norm)");
        String applicationId = "streamaug-demo-augment";
        var config = AugmentConfig.build(kafka.clientProperties(), topics, applicationId, 1,
                Files.createDirectories(dir.resolve("state")).toString());
        List<HorizontalFlip> ops = List.of(new HorizontalFlip(0.5));
        try (AugmentWorker worker = new AugmentWorker(AugmentTopology.build(topics,
                () -> new ImagePipeline(seed, ops, Normalization.FASHION_MNIST, Dtype.UINT8)), config).start()) {
            int classes = FashionMnist.CLASSES.size();
            long trainRecords = produced.count(io.streamaug.core.Split.TRAIN);
            OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), topics,
                    inputs -> Mlp.build(new Mlp.Spec(inputs, List.of(256, 128), classes, 1e-3, 1e-4, 0.1, seed)),
                    classes, new OnlineTrainer.Config("demo", batchSize, 2048, trainRecords, Duration.ofSeconds(60),
                            Math.max(10, (int) (trainRecords / batchSize / 12)), seed),
                    line -> System.out.println("      " + line));
            CompletableFuture<OnlineTrainer.Result> training = CompletableFuture.supplyAsync(trainer::run);
            OnlineTrainer.Result result = training.get();
            if (worker.failure() != null) {
                throw new IllegalStateException("the augment worker failed: " + worker.failure().getMessage(), worker.failure());
            }
            done(String.format("%d steps on %d samples, loss %.3f → %.3f, %.0f samples/s", result.steps(),
                    result.samples(), result.firstLoss(), result.lastLoss(), result.samples() / result.seconds()));
            if (result.samples() == 0) {
                throw new IllegalStateException("the trainer received no samples; is the augment worker running?");
            }
            results.put("train_samples", result.samples());
            results.put("steps", result.steps());
            results.put("loss_first", result.firstLoss());
            results.put("loss_last", result.lastLoss());
            results.put("loss_curve", result.lossCurve());

            stage(5, "waiting for the worker to finish val and test, then evaluating");
            try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (ConsumerLag.of(admin, applicationId, topics.rawImages()) > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the augment worker did not catch up within 5 minutes");
                    }
                    Thread.sleep(200);
                }
            }
            Evaluator.Accuracy val = Evaluator.evaluate(kafka.clientProperties(), topics.preparedVal(), trainer.network(),
                    classes, Duration.ofMinutes(5));
            Evaluator.Accuracy test = Evaluator.evaluate(kafka.clientProperties(), topics.preparedTest(),
                    trainer.network(), classes, Duration.ofMinutes(5));
            done(String.format("val %.3f on %d, test %.3f on %d", val.value(), val.total(), test.value(), test.total()));
            results.put("records_prepared", result.samples() + val.total() + val.skipped() + test.total() + test.skipped());
            results.put("val_accuracy", val.value());
            results.put("test_accuracy", test.value());
        }
    }

    private void stage(int number, String what) {
        stageStart = System.nanoTime();
        System.out.printf("[%d/5] %s…%n", number, what);
    }

    private void done(String outcome) {
        System.out.printf("      %s (%.1f s)%n", outcome, (System.nanoTime() - stageStart) / 1e9);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
