package io.streamaug.deploy;

import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.core.cli.JsonOutput;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.kafka.ConsumerLag;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import io.streamaug.worker.produce.ImageProducer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug bench soak}: one worker JVM over a million records, then one trainer JVM over a
 * million samples, each one's resident size (VmRSS: heap, OpenCV's and ND4J's native memory alike)
 * sampled at a fixed period. After the warm-up (the first third of the run) the curve must stay
 * within ±10 % of its median: native memory released as it is used.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Resident size of a worker JVM over N records and of a trainer JVM over N samples, sampled "
                + "every few seconds on an embedded broker: flat after warm-up means no native memory is kept.",
            "Prints each curve and whether it stays within a tenth of its median after the warm-up (the first third)."})
public final class SoakCommand implements Callable<Integer> {
    /** A fixed, pre-touched heap: resident from the start, so that what grows later is native memory. */
    private static final String[] PRETOUCHED = {"-Xms768m", "-XX:+AlwaysPreTouch"};

    @Option(names = "--records", defaultValue = "1100000", paramLabel = "N",
            description = "Raw image records for the worker: the bundled Fashion-MNIST replayed (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--samples", defaultValue = "1000000", paramLabel = "N",
            description = "Samples the trainer trains, at most the train records made (default: ${DEFAULT-VALUE}).")
    long samples;

    @Option(names = "--model", defaultValue = "mlp", paramLabel = "MODEL",
            description = "The trainer's model, mlp or cnn, on its default recipe (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--every", defaultValue = "10", paramLabel = "SECONDS",
            description = "Sampling period of the resident size (default: ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--quick", description = "A short run for CI: 60,000 records and samples, sampled every 2 s.")
    boolean quick;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws Exception {
        if (records < 1 || samples < 1 || every < 1) {
            throw new UsageException("--records, --samples and --every must be at least 1");
        }
        if (!model.equals("mlp") && !model.equals("cnn")) {
            throw new UsageException("--model must be mlp or cnn, got '" + model + "'");
        }
        json.check();
        int n = quick ? 60_000 : records;
        long budget = quick ? 60_000 : samples;
        int period = quick ? 2 : every;
        Path dir = Files.createTempDirectory("streamaug-soak");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("trainer_model", model);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, Map.of())) {
            Topics topics = new Topics("soak.");
            KafkaOptions kafka = KafkaOptions.of(broker.bootstrapServers(), topics);
            kafka.ensureTopics(TopicLayout.of(6));
            FashionMnist.Source source = FashionMnist.load(null, true, 0);
            int perEpoch = source.train().count() - (int) Math.round(source.train().count() * 0.1);
            int epochs = io.streamaug.deploy.chaos.ChaosRun.epochsFor(source, n);
            long produced;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                produced = new ImageProducer(producer, topics).produce(source,
                        new ImageProducer.Plan(FashionMnist.NAME, 0.1, 1, epochs)).total();
            }
            long trainRecords = (long) perEpoch * epochs;
            System.out.printf("produced %,d raw records (%,d train) on %s%n", produced, trainRecords, broker.bootstrapServers());

            // The worker, until it has caught up with the input.
            String applicationId = "soak-augment";
            Process worker = ChildJvm.main(StreamaugCli.class).heap("768m").jvmOptions(PRETOUCHED).args("augment", "--bootstrap",
                    broker.bootstrapServers(), "--topic-prefix", topics.prefix(), "--application-id", applicationId,
                    "--spec", "fashion-mnist", "--mean", String.valueOf(FashionMnist.MEAN), "--std",
                    String.valueOf(FashionMnist.STD), "--text-spec", "none", "--progress-every", "0", "--state-dir",
                    dir.resolve("state").toString()).logTo(dir.resolve("worker.log")).start();
            List<long[]> workerCurve;
            try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
                LongSupplier done = () -> {
                    try {
                        return produced - ConsumerLag.of(admin, topics.name(applicationId), topics.rawImages());
                    } catch (Exception e) {
                        return -1;
                    }
                };
                workerCurve = sample("worker", worker, period, done, produced, dir.resolve("worker.log"));
            } finally {
                ChildJvm.stop(worker, Duration.ofSeconds(30));
            }
            results.put("worker", curve(workerCurve, produced, "records"));

            // The trainer, over the augmented train topic the worker wrote.
            long toTrain = Math.min(budget, trainRecords);
            Path runs = dir.resolve("runs");
            Process trainer = ChildJvm.main(StreamaugCli.class).heap("768m").jvmOptions(PRETOUCHED).args("train", "--bootstrap",
                    broker.bootstrapServers(), "--topic-prefix", topics.prefix(), "--name", "soak", "--runs",
                    runs.toString(), "--model", model, "--quiet", "--max-samples", String.valueOf(toTrain), "--idle-timeout", "30",
                    "--eval-every", "0", "--checkpoint-every", "0", "--set", "log_every=100")
                    .logTo(dir.resolve("trainer.log")).start();
            try {
                Path metrics = runs.resolve("soak").resolve("metrics.jsonl");
                LongSupplier trained = () -> lastSamples(metrics);
                List<long[]> trainerCurve = sample("trainer", trainer, period, trained, toTrain, dir.resolve("trainer.log"));
                results.put("trainer", curve(trainerCurve, toTrain, "samples"));
            } finally {
                ChildJvm.stop(trainer, Duration.ofSeconds(30));
            }
        } finally {
            DemoCommand.deleteRecursively(dir);
        }
        boolean flat = results.values().stream().filter(r -> r instanceof Map<?, ?>)
                .allMatch(r -> Boolean.TRUE.equals(((Map<?, ?>) r).get("flat")));
        results.put("verdict", flat ? "flat" : "GROWS");
        json.write(results);
        System.out.println(flat ? "both resident sizes flat after warm-up (within ±10 % of their medians)"
                : "a resident size moved more than ±10 % after warm-up: see the curves above");
        return 0;
    }

    /** Samples {@code process}'s resident size every {@code period} seconds until {@code progress} reaches {@code total}. */
    private static List<long[]> sample(String what, Process process, int period, LongSupplier progress, long total, Path log)
            throws Exception {
        List<long[]> curve = new ArrayList<>(); // {seconds, progress, rss kB}
        long started = System.nanoTime();
        while (true) {
            long done = progress.getAsLong();
            long rss = residentKb(process.pid());
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            if (rss > 0) {
                curve.add(new long[] {seconds, Math.max(0, done), rss});
                System.out.printf("%-7s t=%4d s  %,12d of %,d  RSS %,8d MB%n", what, seconds, Math.max(0, done), total,
                        rss / 1024);
            }
            if (done >= total || (!process.isAlive() && process.exitValue() == 0)) {
                return curve;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + what + " exited with status " + process.exitValue() + " at "
                        + done + " of " + total + "; see " + Files.readString(log));
            }
            Thread.sleep(period * 1000L);
        }
    }

    /** The curve as JSON-ready data, and whether it stays within ±10 % of its median after the first third. */
    static Map<String, Object> curve(List<long[]> curve, long total, String unit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(unit, total);
        out.put("seconds", curve.stream().mapToLong(p -> p[0]).toArray());
        out.put(unit + "_done", curve.stream().mapToLong(p -> p[1]).toArray());
        out.put("rss_mb", curve.stream().mapToLong(p -> p[2] / 1024).toArray());
        List<long[]> after = curve.subList(curve.size() / 3, curve.size());
        if (after.size() < 3) {
            out.put("flat", null);
            out.put("note", "too few samples after the warm-up to judge: a longer run, or a shorter --every");
            return out;
        }
        long[] rss = after.stream().mapToLong(p -> p[2]).sorted().toArray();
        double median = rss[rss.length / 2];
        double low = rss[0] / median - 1;
        double high = rss[rss.length - 1] / median - 1;
        out.put("median_rss_mb", Math.round(median / 1024));
        out.put("after_warmup_range_pct", new double[] {Math.round(low * 1000) / 10.0, Math.round(high * 1000) / 10.0});
        out.put("flat", low >= -0.10 && high <= 0.10);
        System.out.printf("%s: after warm-up the resident size stays within %+.1f %% / %+.1f %% of its median %,d MB%n",
                unit, 100 * low, 100 * high, Math.round(median / 1024));
        return out;
    }

    /** The samples count of the last step line the trainer wrote, or 0. */
    private static long lastSamples(Path metrics) {
        try {
            if (!Files.exists(metrics)) {
                return 0;
            }
            long samples = 0;
            for (var line : io.streamaug.trainer.report.MetricsLog.read(metrics)) {
                if ("step".equals(line.path("type").asText())) {
                    samples = Math.max(samples, line.path("samples").asLong());
                }
            }
            return samples;
        } catch (IOException | RuntimeException e) {
            return 0; // being written: the next sample reads it
        }
    }

    /** Resident set size of process {@code pid} in kB, from /proc (0 when it cannot be read). */
    static long residentKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(Arrays.stream(line.substring(6).trim().split("\\s+")).findFirst().orElse("0"));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
