package io.streamaug.trainer;

import io.streamaug.core.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.cli.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug train}: one trainer consumer (its own consumer group) on the augmented stream. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train an MLP with layer norm online from the augmented train topic.",
            "Reports accuracy on the prepared val topic at the end. Each --name is its own consumer group."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--name", defaultValue = "default", description = "Trainer name (consumer group streamaug-trainer-NAME).")
    String name;

    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "Dataset whose classes to learn (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--classes", description = "Number of classes (default: from the dataset's definition).")
    Integer classes;

    @Option(names = "--hidden", split = ",", defaultValue = "256,128", description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--batch-size", defaultValue = "32", description = "Minibatch size, 1 or more (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--shuffle-buffer", defaultValue = "2048", description = "Shuffle buffer size (default: ${DEFAULT-VALUE}).")
    int shuffleBuffer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--weight-decay", defaultValue = "1e-4", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Dropout rate of hidden layers (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--max-samples", defaultValue = "0", description = "Stop after this many training samples (default: no limit).")
    long maxSamples;

    @Option(names = "--idle-timeout", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop when no record arrives for this long (default: 0 = wait for more; Ctrl-C to stop).")
    int idleSeconds;

    @Option(names = "--log-every", defaultValue = "50", description = "Log the loss every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        int classCount;
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            classCount = classes != null ? classes : classesOf(dataset);
        }
        OnlineTrainer.Config config = new OnlineTrainer.Config(name, batchSize, shuffleBuffer, maxSamples,
                Duration.ofSeconds(idleSeconds), logEvery, seed);
        OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), kafka.topics(),
                inputs -> Mlp.build(new Mlp.Spec(inputs, hidden, classCount, learningRate, weightDecay, dropout, seed)),
                classCount, config, System.err::println);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            trainer.stop();
            try {
                main.join(30_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "streamaug-train-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.println("trainer '" + name + "' reading " + kafka.topics().augmentedTrain() + " (" + classCount
                + " classes, minibatch " + batchSize + ")");
        OnlineTrainer.Result result = trainer.run();
        System.out.printf("trained %d steps on %d samples in %.1f s; loss %.4f → %.4f; %d dead letter(s)%n",
                result.steps(), result.samples(), result.seconds(), result.firstLoss(), result.lastLoss(),
                result.deadLetters());
        if (trainer.network() != null) {
            Evaluator.Accuracy accuracy = Evaluator.evaluate(kafka.clientProperties(), kafka.topics().preparedVal(),
                    trainer.network(), classCount, Duration.ofMinutes(5));
            System.out.printf("val accuracy %.4f (%d/%d)%n", accuracy.value(), accuracy.correct(), accuracy.total());
        }
        return 0;
    }

    private int classesOf(String datasetName) {
        DatasetInfo info = DatasetCatalog.read(kafka.clientProperties(), kafka.topics(), Duration.ofSeconds(10)).get(datasetName);
        if (info == null) {
            throw new UsageException("dataset '" + datasetName + "' is not defined on " + kafka.topics().datasets()
                    + "; produce it first, or pass --classes N");
        }
        return info.classes().size();
    }
}
