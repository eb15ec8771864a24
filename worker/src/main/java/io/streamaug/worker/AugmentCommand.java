package io.streamaug.worker;

import io.streamaug.augment.text.TextSpec;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.kafka.AclRefusal;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.kafka.PipelineAcls;
import io.streamaug.core.DatasetStats;
import io.streamaug.kafka.TopicOptions;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug augment}: one augment worker instance; start more with the same application id to scale out. */
@Command(name = "augment", mixinStandardHelpOptions = true,
        description = {"Run an augment worker (Kafka Streams, exactly-once): raw images → prepared records.",
            "Start more instances with the same --application-id to share the partitions."})
public final class AugmentCommand implements Callable<Integer> {
    /** The environment variable that names this instance for static group membership (a pod's name). */
    public static final String ENV_INSTANCE_ID = "STREAMAUG_INSTANCE_ID";

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--application-id", defaultValue = AugmentConfig.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id, behind --topic-prefix; instances with the same id share work "
                + "(default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads in this instance (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--spec", defaultValue = "fashion-mnist", paramLabel = "FILE|NAME",
            description = "Pipeline spec: a YAML file or a bundled spec (fashion-mnist, imagenet-style, imagenet-randaugment, photos; default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = "--mean", split = ",", description = "Per-channel mean (0..1 scale) to pin; overrides the spec's normalize.")
    float[] mean;

    @Option(names = "--std", split = ",", description = "Per-channel std (0..1 scale) to pin; overrides the spec's normalize.")
    float[] std;

    @Option(names = "--text-spec", defaultValue = "eda", paramLabel = "FILE|NAME|none",
            description = "Text spec for records on the raw text topic, or 'none' to leave them (default: ${DEFAULT-VALUE}).")
    String textSpec;

    @Mixin
    ImageLimitOptions imageLimits;

    @Option(names = "--stats-timeout", defaultValue = "0", paramLabel = "SECONDS",
            description = "How long to wait for the training statistics (a spec with normalize: stats) "
                + "(default: 0 = until they come).")
    int statsTimeout;

    @Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve Prometheus metrics on this port, at the path /metrics (default: 0 = off).")
    int metricsPort;

    @Option(names = "--progress-every", defaultValue = "10", paramLabel = "SECONDS",
            description = "Log a progress line this often (default: ${DEFAULT-VALUE}; 0 = never); while no broker is "
                + "reachable a line says so every 5 s instead.")
    int progressEvery;

    @Option(names = "--mix-buffer", defaultValue = "256",
            description = "Train samples kept per partition and dataset as mixing partners (default: ${DEFAULT-VALUE}).")
    int mixBuffer;

    @Option(names = "--dataset", defaultValue = "fashion-mnist",
            description = {"Dataset whose training statistics normalise (a spec with normalize: stats, as the shipped ones) "
                + "(default: ${DEFAULT-VALUE}). Class counts for mixing come from each record's own dataset."})
    String dataset;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".streamaug/state",
            description = "Kafka Streams state directory, kept across restarts so that a restart need not restore "
                + "the mixing buffers (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Mixin
    TopicOptions topicOptions;

    @Option(names = "--instance-id", paramLabel = "ID", defaultValue = "${env:" + AugmentCommand.ENV_INSTANCE_ID + "}",
            description = {"A stable name for this instance (a StatefulSet pod's name; or env STREAMAUG_INSTANCE_ID): "
                + "Kafka's static membership. An instance that crashes and comes back under the same id, with the "
                + "same --state-dir, takes its partitions back at once, without a rebalance; the others wait for it "
                + "for the session timeout (10 s). Default: none (dynamic membership)."})
    String instanceId;

    /** Waits until the dataset's training statistics are published, saying so, and uses them. */
    private Normalization awaitStats() throws InterruptedException {
        String run = "./streamaug stats --dataset " + dataset + kafka.commandFlags();
        DatasetStats stats = await(
                () -> DatasetCatalog.readStats(kafka.clientProperties(), kafka.topics(), Duration.ofSeconds(10))
                        .get(dataset),
                () -> "waiting for the training statistics of dataset '" + dataset + "' on " + kafka.topics().stats()
                        + " (the spec normalises with them); compute them with '" + run + "' once the data is produced"
                        + definedSoFar(),
                () -> "no training statistics of dataset '" + dataset + "' on " + kafka.topics().stats() + " after "
                        + statsTimeout + " s; run '" + run + "', or pass --dataset NAME, or pin --mean and --std");
        float[] m = new float[stats.channels()];
        float[] s = new float[stats.channels()];
        for (int c = 0; c < m.length; c++) {
            m[c] = (float) stats.mean()[c];
            s[c] = (float) stats.std()[c];
        }
        return new Normalization(m, s, stats.version());
    }

    /** The datasets defined so far, for the waiting line: a typo in --dataset shows there. */
    private String definedSoFar() {
        var defined = DatasetCatalog.read(kafka.clientProperties(), kafka.topics(), Duration.ofSeconds(10)).keySet();
        return defined.isEmpty() ? "; no dataset is defined yet" : "; datasets defined so far: " + String.join(", ", defined);
    }

    /** The one line saying where this worker's normalisation comes from. */
    static String describe(Normalization normalization, String source) {
        return "normalising with " + source + ": mean " + java.util.Arrays.toString(normalization.mean()) + ", std "
                + java.util.Arrays.toString(normalization.std()) + " (records carry stats version "
                + normalization.statsVersion() + ")";
    }

    /** Names pinned constants when they are a known set. */
    private static String pinned(Normalization normalization) {
        if (normalization.equals(Normalization.IMAGENET)) {
            return "ImageNet's constants, pinned by the spec";
        }
        if (normalization.equals(Normalization.FASHION_MNIST)) {
            return "Fashion-MNIST's constants, pinned by the spec";
        }
        return "constants pinned by the spec";
    }

    /**
     * Polls {@code lookup} every 2 s until it gives a value, saying what it waits for every 30 s; after
     * {@code --stats-timeout} seconds (0: never) it gives up with a usage error.
     */
    private <T> T await(Supplier<T> lookup, Supplier<String> waiting,
            Supplier<String> timedOut) throws InterruptedException {
        long lastSaid = 0;
        long deadline = statsTimeout > 0 ? System.nanoTime() + statsTimeout * 1_000_000_000L : Long.MAX_VALUE;
        while (true) {
            T value = lookup.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new UsageException(timedOut.get());
            }
            if (System.currentTimeMillis() - lastSaid > 30_000) {
                System.err.println(waiting.get());
                lastSaid = System.currentTimeMillis();
            }
            Thread.sleep(2_000);
        }
    }

    /** The worker these flags describe, normalised with {@code normalization}. */
    WorkerSetup setup(PipelineSpec pipelineSpec, Normalization normalization) throws java.io.IOException {
        if (normalization.channels() != pipelineSpec.channels()) {
            throw new UsageException((mean != null ? "--mean/--std have " + normalization.channels() + " value(s)"
                    : normalization.statsVersion() > 0 ? "the statistics of dataset '" + dataset + "' have "
                            + normalization.channels() + " channel(s)"
                    : "the spec's normalize has " + normalization.channels() + " value(s)")
                    + " but the spec decodes " + pipelineSpec.channels() + " channel(s); use a spec with channels: "
                    + normalization.channels() + (mean != null ? " or give one value per channel" : ""));
        }
        TextSpec text = textSpec.equals("none") ? null : SpecLoader.resolveText(textSpec);
        Path state = java.nio.file.Files.createDirectories(stateDir);
        java.util.Properties client = kafka.clientProperties();
        if (instanceId != null && !instanceId.isBlank()) {
            client.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId.strip());
        }
        try {
            return new WorkerSetup(client, kafka.topics(), kafka.topics().name(applicationId), threads,
                    state, pipelineSpec,
                    normalization, imageLimits.limits(), text, mixBuffer);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        StartupClock clock = StartupClock.sinceProcessStart();
        clock.phase("JVM and command line");
        PipelineSpec pipelineSpec = SpecLoader.resolve(spec, List.of());
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new UsageException("--metrics-port must be in 0..65535, got " + metricsPort);
        }
        if ((mean == null) != (std == null)) {
            throw new UsageException("give --mean and --std together");
        }
        if (threads < 1 || mixBuffer < 1) {
            throw new UsageException("--threads and --mix-buffer must be at least 1, got " + threads + " and " + mixBuffer);
        }
        Normalization normalization;
        String specs = "specs";
        if (mean != null) {
            normalization = new Normalization(mean, std, 0);
            System.err.println(describe(normalization, "--mean and --std"));
        } else if (pipelineSpec.normalization() != null) {
            normalization = pipelineSpec.normalization();
            System.err.println(describe(normalization, pinned(normalization)));
        } else {
            normalization = awaitStats();
            specs = "specs and statistics";
            System.err.println(describe(normalization, "the training statistics of dataset '" + dataset + "', version "
                    + normalization.statsVersion()));
        }
        WorkerSetup setup = setup(pipelineSpec, normalization);
        clock.phase(specs);
        Topics topics = kafka.topics();
        kafka.ensureTopics(topicOptions.layout());
        java.util.concurrent.atomic.AtomicLong deadLetters = new java.util.concurrent.atomic.AtomicLong();
        AugmentWorker worker = setup.build(deadLetters, clock);
        WorkerMetrics metrics = new WorkerMetrics(worker, deadLetters, setup);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean running = worker.state().isRunningOrRebalancing();
            if (running) {
                System.err.println("augment worker '" + applicationId + "' stopping (committing its work)…");
            }
            worker.close();
            metrics.close();
            if (running) {
                System.err.println("augment worker '" + applicationId + "' stopped");
            }
        }, "streamaug-augment-shutdown"));
        worker.start(clock, System.err::println);
        if (metricsPort > 0) {
            System.err.println("metrics at http://localhost:" + metrics.serve(metricsPort) + "/metrics");
        }
        metrics.logEvery(progressEvery, System.err::println); // with 0, only the lines saying no broker is reachable
        System.err.println("augment worker '" + setup.applicationId() + "' started: " + topics.rawImages()
                + (setup.textSpec() == null ? "" : " and " + topics.rawText()) + " → "
                + topics.augmentedTrain() + ", " + topics.preparedVal() + ", " + topics.preparedTest()
                + " (dead letters: " + topics.dlq() + "); Ctrl-C to stop");
        worker.awaitStop();
        if (worker.failure() != null) {
            // A refused ACL is one line naming the resource and the operations the worker needs on it.
            AclRefusal.explain(worker.failure(), PipelineAcls.WORKER, topics, setup.applicationId() + "-").ifPresent(line -> {
                throw new UsageException(line);
            });
            return 1;
        }
        return 0;
    }
}
