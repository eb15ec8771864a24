package io.streamaug.augment.stream;

import io.streamaug.augment.image.HorizontalFlip;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.core.Topics;
import io.streamaug.core.cli.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Dtype;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug augment}: one augment worker instance; start more with the same application id to scale out. */
@Command(name = "augment", mixinStandardHelpOptions = true,
        description = {"Run an augment worker (Kafka Streams, exactly-once): raw images → prepared records.",
            "Start more instances with the same --application-id to share the partitions."})
public final class AugmentCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--application-id", defaultValue = AugmentConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id; instances with the same id share work (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads in this instance (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Pipeline seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--flip-p", defaultValue = "0.5", description = "Probability of a horizontal flip (default: ${DEFAULT-VALUE}).")
    double flipP;

    @Option(names = "--mean", split = ",", defaultValue = "0.2860",
            description = "Per-channel training-set mean on the 0..1 scale (default: Fashion-MNIST's ${DEFAULT-VALUE}).")
    float[] mean;

    @Option(names = "--std", split = ",", defaultValue = "0.3530",
            description = "Per-channel training-set std on the 0..1 scale (default: Fashion-MNIST's ${DEFAULT-VALUE}).")
    float[] std;

    @Option(names = "--dtype", defaultValue = "uint8",
            description = "Prepared tensor type: uint8 (default, affine-quantised), float16 or float32.")
    Dtype dtype;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory (default: a fresh temp dir).")
    Path stateDir;

    @Option(names = "--partitions", defaultValue = "6",
            description = "Partitions of topics this creates if missing (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new UsageException("--threads must be at least 1, got " + threads);
        }
        Normalization normalization = new Normalization(mean, std, 0);
        List<HorizontalFlip> ops = List.of(new HorizontalFlip(flipP));
        Topics topics = kafka.topics();
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            topics.ensure(admin, partitions, (short) 1);
        }
        String state = (stateDir != null ? stateDir : java.nio.file.Files.createTempDirectory("streamaug-state")).toString();
        Properties config = AugmentConfig.build(kafka.clientProperties(), topics, applicationId, threads, state);
        AugmentWorker worker = new AugmentWorker(
                AugmentTopology.build(topics, () -> new ImagePipeline(seed, ops, normalization, dtype)), config);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "streamaug-augment-shutdown"));
        worker.start();
        System.err.println("augment worker '" + applicationId + "' started: " + topics.rawImages() + " → "
                + topics.augmentedTrain() + ", " + topics.preparedVal() + ", " + topics.preparedTest()
                + " (dead letters: " + topics.dlq() + "); Ctrl-C to stop");
        worker.awaitStop();
        return worker.failure() == null ? 0 : 1;
    }
}
