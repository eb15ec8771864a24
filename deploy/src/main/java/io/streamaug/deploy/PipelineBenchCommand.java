package io.streamaug.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamaug.augment.bench.PhotoBenchmark;
import io.streamaug.augment.bench.PhotoSet;
import io.streamaug.core.cli.JsonOutput;
import io.streamaug.core.cli.Progress;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.datasets.ImageFolder;
import io.streamaug.worker.AugmentConfig;
import io.streamaug.augment.image.IdxPngEncoder;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.worker.produce.ImageProducer;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.kafka.ConsumerLag;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Label;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug bench pipeline}: records/s through a local broker with exactly-once, for one
 * worker and for two, beside the same pipeline in-process; CPU time per record of the worker JVMs;
 * end-to-end latency raw → prepared at a steady rate. The worker CPU time is also split by thread
 * (stream threads, producer I/O, JIT, GC), which tells the workers' own per-record work from the
 * JVM's warm-up. With {@code --photos} the input is the photo set's JPEGs and the spec the
 * ImageNet-style recipe: large records, where bytes weigh more than per-record costs, so it also
 * reports MB/s, the prepared record's size against the raw tensor, and the one-worker run with the
 * output compressed none, lz4 and zstd.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Throughput of the augment workers through an embedded broker with exactly-once (the "
                + "fashion-mnist spec), for 1 worker (1 thread) and 2 worker JVMs, beside the pipeline in-process; the "
                + "worker JVMs' CPU time per record; p50/p99 latency raw → prepared at a steady --latency-rate.",
            "With --photos: the photo set's JPEGs through the ImageNet-style recipe to 224×224×3 uint8 records, the "
                + "same runs plus MB/s, the prepared record's size against the raw tensor, and one worker with its "
                + "output compressed none, lz4 and zstd (bytes on the broker and CPU per record of each)."})
public final class PipelineBenchCommand implements Callable<Integer> {
    // 900,000: with 300,000 the JIT compilers were still at work in the window (16 µs per record with
    // two workers, 6 with one), which the per-thread split of the worker CPU time showed.
    static final int DEFAULT_RECORDS = 900_000;
    // 6,000 photos (20 passes over the 500 set): one worker takes under a minute over them on two
    // cores (a photo costs milliseconds), the whole benchmark about five; a third of the input per
    // JVM, ~15 s, keeps its start-up and most of the JIT's work out of the window.
    static final int DEFAULT_PHOTO_RECORDS = 6_000;
    static final int DEFAULT_LATENCY_RATE = 1000;
    // A small share of what one worker sustains with photos, so that the latency is the pipeline's, not a queue's.
    static final int DEFAULT_PHOTO_LATENCY_RATE = 20;
    /** The output compressions the photo benchmark compares. */
    static final List<String> COMPRESSIONS = List.of("none", "lz4", "zstd");
    /** A record's key, headers and framing on the broker, beyond its value: an upper bound (153 B measured with photos). */
    static final int RECORD_OVERHEAD_BYTES = 512;
    private static final String OUTPUT_COMPRESSION = "producer.compression.type";

    @Option(names = "--records", paramLabel = "N",
            description = "Raw records to push through; each worker JVM warms up on a third of them (with two, the "
                + "last third is measured, less its last thirtieth) (default: "
                + DEFAULT_RECORDS + "; with --photos " + DEFAULT_PHOTO_RECORDS + ", rounded up to whole passes over the set).")
    Integer records;

    @Option(names = "--latency-rate", paramLabel = "N",
            description = "Records/s for the latency run, 0 to skip it (default: " + DEFAULT_LATENCY_RATE + "; with --photos "
                + DEFAULT_PHOTO_LATENCY_RATE + ").")
    Integer latencyRate;

    @Option(names = "--photos", arity = "0..1", paramLabel = "DIR", fallbackValue = "",
            description = "Push the photo set instead of Fashion-MNIST (made in DIR when absent; default DIR: .streamaug/photos).")
    Path photos;

    @Option(names = "--photo-size", paramLabel = "500|1024",
            description = "Which JPEGs of the photo set: ~500×375, a typical ImageNet photo's size, or 1024×768, which adds decode "
                + "work per record but no bytes, the prepared record being 224×224×3 either way (default: 500).")
    String photoSize;

    @Mixin
    JsonOutput json;

    @Option(names = "--worker-kafka", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client setting for the worker JVMs, repeatable (e.g. commit.interval.ms=500).")
    Map<String, String> workerKafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        json.check();
        boolean photoRun = photos != null;
        int n = records != null ? records : photoRun ? DEFAULT_PHOTO_RECORDS : DEFAULT_RECORDS;
        int rate = latencyRate != null ? latencyRate : photoRun ? DEFAULT_PHOTO_LATENCY_RATE : DEFAULT_LATENCY_RATE;
        int minRecords = photoRun ? 100 : 1000;
        if (n < minRecords || rate < 0) {
            throw new UsageException("--records must be ≥ " + minRecords + " and --latency-rate ≥ 0 (0 skips the latency run)");
        }
        if (!photoRun && photoSize != null) {
            throw new UsageException("--photo-size goes with --photos");
        }
        String size = photoSize == null ? "500" : photoSize;
        if (!PhotoSet.SIZES.contains(size)) {
            throw new UsageException("--photo-size must be one of " + String.join(", ", PhotoSet.SIZES) + ", got " + size);
        }
        if (!Files.exists(Path.of("/proc/self/stat"))) {
            throw new UsageException("bench pipeline reads worker CPU time from /proc: it runs on Linux");
        }
        Path dir = Files.createTempDirectory("streamaug-bench");
        Workload workload;
        Results results;
        try {
            workload = photoRun
                    ? photoWorkload(photos.toString().isEmpty() ? PhotoSet.DEFAULT_DIR : photos, size, dir)
                    : fashionMnistWorkload();
            results = run(workload, n, rate, dir);
        } finally {
            DemoCommand.deleteRecursively(dir);
        }
        print(results, workload.title());
        json.write(results.json());
        return 0;
    }

    /**
     * What one benchmark pushes through: the spec (and the worker flags that name it), the encoded
     * images the in-process runs and the latency run cycle through, and the raw records for the
     * workers. {@code photos} marks the photo benchmark: its keys, and the compression runs.
     */
    record Workload(String title, boolean photos, String photoSize, String dataset, PipelineSpec spec, Normalization normalization,
            int classes, List<String> workerSpecArgs, List<byte[]> samples, int warmup, RawInput input) {
    }

    /** Writes the raw records through the producers' own code. */
    interface RawInput {
        /** The input replayed to at least {@code records} records; with 0, a record or two that define the dataset. */
        int produce(KafkaProducer<String, byte[]> producer, Topics topics, int records);
    }

    /** The bundled Fashion-MNIST subset: the train split replayed, a tenth of it as val, and the test split. */
    private static Workload fashionMnistWorkload() {
        FashionMnist.Source source = FashionMnist.load(null, true, 0);
        return new Workload("fashion-mnist spec", false, null, "fashion-mnist", SpecLoader.resolve("fashion-mnist", List.of()),
                Normalization.FASHION_MNIST, FashionMnist.CLASSES.size(),
                // Fashion-MNIST's constants pinned rather than waiting for statistics: the throughput does not depend on them.
                List.of("--spec", "fashion-mnist", "--mean", "0.2860", "--std", "0.3530"), pngs(source, 2000), 4000,
                (producer, topics, records) -> records == 0
                        ? new ImageProducer(producer, topics).produce(FashionMnist.load(null, true, 1),
                                new ImageProducer.Plan("fashion-mnist", 0, 1, 1)).total()
                        : new ImageProducer(producer, topics).produce(source, new ImageProducer.Plan("fashion-mnist", 0.1, 1,
                                Math.max(1, (int) Math.ceil(records / 5400.0)))).total());
    }

    /**
     * The photo set's JPEGs of one size as an ImageFolder dataset ("photos", one class per source
     * photograph), all train, replayed in whole passes, through {@link #photoSpecYaml}.
     */
    private static Workload photoWorkload(Path setDir, String size, Path dir) throws java.io.IOException {
        Path set = PhotoSet.ensure(setDir, System.err::println);
        ImageFolder folder = ImageFolder.scan(set.resolve(size));
        Path specFile = dir.resolve("photo-pipeline.yaml");
        Files.writeString(specFile, photoSpecYaml());
        PipelineSpec spec = SpecLoader.load(specFile, folder.classes());
        List<byte[]> jpegs = PhotoSet.read(set, size);
        String title = "photo set " + size + " (" + jpegs.size() + " JPEGs), imagenet-style spec to "
                + "RandomResizedCrop 224 → flip → ColorJitter → uint8";
        return new Workload(title, true, size, "photos", spec, spec.normalization(), folder.classes().size(),
                List.of("--spec", specFile.toString()), jpegs, jpegs.size(),
                (producer, topics, records) -> {
                    ImageFolder input = records == 0 ? new ImageFolder(folder.classes(), folder.entries().subList(0, 1)) : folder;
                    int epochs = Math.max(1, (int) Math.ceil(records / (double) folder.entries().size()));
                    return new ImageProducer(producer, topics).produce(input, new ImageProducer.Plan("photos", 0, 0, 1, epochs)).total();
                });
    }

    /**
     * The photo benchmark's spec, derived from the bundled imagenet-style spec so that it follows the
     * shipped recipe: its train ops without RandomErasing (RandomResizedCrop 224 → HorizontalFlip →
     * ColorJitter), no mixing, ImageNet's constants pinned (the worker then waits for no statistics;
     * with uint8 output they only set each record's scale and offset), uint8 output.
     */
    static String photoSpecYaml() throws java.io.IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode spec;
        try (var in = SpecLoader.class.getResourceAsStream("/specs/imagenet-style.yaml")) {
            spec = (ObjectNode) yaml.readTree(in);
        }
        for (Iterator<JsonNode> ops = ((ArrayNode) spec.get("ops")).iterator(); ops.hasNext();) {
            if (ops.next().path("op").asText().equals("RandomErasing")) {
                ops.remove();
            }
        }
        spec.remove("mix");
        spec.put("normalize", "imagenet");
        spec.putObject("output").put("dtype", "uint8");
        return yaml.writeValueAsString(spec);
    }

    /** In-process, then the worker runs on an embedded broker. */
    private Results run(Workload workload, int records, int rate, Path dir) throws Exception {
        checkDisk(dir, diskNeeded(records, workload.samples(), preparedRecordBytes(workload)));
        System.err.println("in-process pipeline (decode + augment + normalise), one thread, then two side by side…");
        InProcess one = inProcess(workload, 1);
        // What two CPU-bound pipelines cost each other on this machine without Kafka: the baseline for
        // the CPU per record of two worker JVMs.
        InProcess two = inProcess(workload, 2);
        int produced;
        String compression = outputCompression(workerKafka);
        Map<String, Run> oneWorker = new LinkedHashMap<>();
        Run twoWorkers;
        PhotoFigures photoFigures = null;
        Latency latency = Latency.SKIPPED;
        // Each run's output topics are deleted before the next run (emptyOutputs): their files go a second later,
        // not Kafka's minute, so that the disk holds the input and one run's output.
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0,
                Map.of("log.segment.delete.delay.ms", "1000"))) {
            KafkaOptions kafka = KafkaOptions.of(broker.bootstrapServers(), Topics.DEFAULT);
            Topics topics = kafka.topics();
            kafka.ensureTopics(TopicLayout.of(TopicLayout.DEFAULT_PARTITIONS));
            System.err.println("producing " + records + "+ records (broker warm-up included)…");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                produced = workload.input().produce(producer, topics, records);
            }
            // One worker once per output compression compared (the photo benchmark), the run with the
            // workers' own compression being the one-worker figure; then two workers.
            Set<String> compressions = new LinkedHashSet<>(workload.photos() ? COMPRESSIONS : List.of());
            compressions.add(compression);
            for (String codec : compressions) {
                Map<String, String> settings = new LinkedHashMap<>(workerKafka);
                if (!codec.equals(compression)) {
                    settings.put(OUTPUT_COMPRESSION, codec);
                }
                System.err.println("1 worker JVM" + (workload.photos() ? ", output compression " + codec : "") + ", over "
                        + produced + " records…");
                oneWorker.put(codec, throughRun(kafka, workload, 1, produced, dir, settings));
            }
            System.err.println("2 worker JVMs over " + produced + " records…");
            twoWorkers = throughRun(kafka, workload, 2, produced, dir, workerKafka);
            if (workload.photos()) {
                System.err.println("reading prepared records back…");
                photoFigures = new PhotoFigures(workload.photoSize(), readPrepared(kafka, Math.min(produced, 200)), compression, oneWorker);
            }
            if (rate > 0) {
                System.err.println("latency at " + rate + " records/s with one worker…");
                latency = latency(kafka, workload, rate, dir);
            }
        }
        System.err.println("in-process pipeline again, one thread, after the runs through Kafka…");
        InProcess after = inProcess(workload, 1);
        return new Results(produced, new Baseline(one, after), two, new LinkedHashMap<>(workerKafka), oneWorker.get(compression),
                twoWorkers, latency, photoFigures);
    }

    /** The workers' output compression: the operator's setting (prefixed or not), else the worker's default. */
    static String outputCompression(Map<String, String> settings) {
        return settings.getOrDefault(OUTPUT_COMPRESSION, settings.getOrDefault("compression.type",
                AugmentConfig.DEFAULT_OUTPUT_COMPRESSION));
    }

    /** The size of one prepared record of the workload, as the worker writes it (its value, before compression). */
    static long preparedRecordBytes(Workload workload) {
        try (ImagePipeline pipeline = new ImagePipeline(workload.spec(), workload.normalization(), workload.classes())) {
            return PreparedCodec.encode(pipeline.prepare("size", workload.dataset(), Split.TRAIN, 0, 0, workload.samples().get(0),
                    Label.of(0))).length;
        }
    }

    /**
     * The most the broker's logs hold at once, with a tenth and 256 MB to spare: the raw input (at
     * the samples' mean size) and one run's output uncompressed, as each run's output is deleted
     * before the next.
     */
    static long diskNeeded(long records, List<byte[]> samples, long preparedBytes) {
        double input = samples.stream().mapToLong(b -> b.length).average().orElse(0) + RECORD_OVERHEAD_BYTES;
        return (long) (records * (input + preparedBytes + RECORD_OVERHEAD_BYTES) * 1.1) + (256L << 20);
    }

    /** Fails at once, in one line, when {@code dir}'s file system has less than {@code needed} bytes free. */
    static void checkDisk(Path dir, long needed) throws java.io.IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < needed) {
            throw new UsageException(String.format(Locale.ROOT, "bench pipeline needs about %.1f GB for the broker's logs in %s, "
                    + "and %.1f GB is free there: give fewer --records, free some space, or run it with "
                    + "STREAMAUG_JAVA_OPTS=-Djava.io.tmpdir=<a directory with room>", needed / 1e9, dir.getParent(), free / 1e9));
        }
    }

    /** The in-process pipeline's rate and CPU per record. */
    record InProcess(double rps, double cpuUs) {
    }

    /**
     * The one-thread in-process runs before the runs through Kafka and after them ({@code null} when
     * not made). A run slowed by something else on the machine would flatter the workers' ratio; the
     * faster of the two is the baseline.
     */
    record Baseline(InProcess before, InProcess after) {
        InProcess faster() {
            return after == null || before.rps() >= after.rps() ? before : after;
        }
    }

    /** The latency run: p50/p99 raw → prepared at a steady rate. */
    record Latency(int rateRps, double p50Ms, double p99Ms) {
        /** No latency run ({@code --latency-rate 0}): its keys are null. */
        static final Latency SKIPPED = new Latency(0, Double.NaN, Double.NaN);

        boolean skipped() {
            return rateRps == 0;
        }
    }

    /**
     * Prepared records read back from the broker: how many, their mean value size in bytes, their
     * shape (C, H, W) and dtype.
     */
    record Prepared(int sampled, double meanValueBytes, List<Integer> shape, String dtype) {
        /** The bare pixel tensor: C·H·W bytes for uint8. */
        long rawTensorBytes() {
            return (long) shape.get(0) * shape.get(1) * shape.get(2);
        }

        double overRawTensor() {
            return meanValueBytes / rawTensorBytes();
        }
    }

    /**
     * What the photo benchmark adds: the photo size, the prepared records read back, the workers'
     * own output compression, and one worker's run for each compression compared.
     */
    record PhotoFigures(String photoSize, Prepared prepared, String compression, Map<String, Run> byCompression) {
        /**
         * The compression whose bytes on the broker and worker CPU per record, each over the lowest of
         * the runs, sum least: a percent of bytes weighs as much as a percent of CPU, as both limit
         * a machine that runs brokers and workers (and a cluster pays the bytes again for each replica).
         */
        String recommended() {
            double minBytes = byCompression.values().stream().mapToDouble(Run::brokerBytesPerRecord).min().orElse(Double.NaN);
            double minCpu = byCompression.values().stream().mapToDouble(Run::cpuUs).min().orElse(Double.NaN);
            // A window too short for one clock tick of CPU leaves nothing to weigh: bytes decide alone.
            boolean cpuMeasured = cpuMeasured();
            String best = null;
            double bestScore = Double.POSITIVE_INFINITY;
            for (var entry : byCompression.entrySet()) {
                double score = entry.getValue().brokerBytesPerRecord() / minBytes
                        + (cpuMeasured ? entry.getValue().cpuUs() / minCpu : 0);
                if (Double.isFinite(score) && score < bestScore) {
                    best = entry.getKey();
                    bestScore = score;
                }
            }
            return best == null ? "none measured" : best;
        }

        /** Whether every compression's run measured some CPU (a tiny run's window can be shorter than a clock tick). */
        boolean cpuMeasured() {
            return !byCompression.isEmpty() && byCompression.values().stream().allMatch(run -> run.cpuUs() > 0 && Double.isFinite(run.cpuUs()));
        }
    }

    /** One run of the benchmark; {@link #json} gives the keys docs/results/bench-pipeline*.json use. */
    record Results(int records, Baseline baseline, InProcess inProcess2Threads, Map<String, String> workerSettings,
            Run oneWorker, Run twoWorkers, Latency latency, PhotoFigures photos) {
        /** The one-thread in-process figure the workers are measured against: the faster of its two runs. */
        InProcess inProcess() {
            return baseline.faster();
        }

        double oneWorkerOverInProcess() {
            return oneWorker.rps() / inProcess().rps();
        }

        /** The most one worker could reach on the cores this JVM (and so each worker JVM) may use, over the in-process rate. */
        double boundOverInProcess() {
            return oneWorker.boundRps(usableCores()) / inProcess().rps();
        }

        double cpuTwoOverOne() {
            return twoWorkers.cpuUs() / oneWorker.cpuUs();
        }

        double cpuTwoOverOneWithoutJit() {
            return twoWorkers.cpuUsWithoutJit() / oneWorker.cpuUsWithoutJit();
        }

        /** The targets of the photo benchmark. */
        static final double TARGET_1_WORKER_OVER_IN_PROCESS = 0.8;
        static final double TARGET_CPU_2_WORKERS_OVER_1 = 1.1;
        static final double TARGET_PREPARED_OVER_RAW_TENSOR = 1.05;

        Map<String, Object> json() {
            String p = photos == null ? "" : "photos_";
            Map<String, Object> out = new LinkedHashMap<>();
            out.put(p + "records", records);
            // What every figure ran on (the worker JVMs are this JVM's children, on the same jars and host).
            out.put(p + "environment", PhotoBenchmark.environment());
            out.put(p + "in_process_rps", inProcess().rps());
            out.put(p + "in_process_rps_before_kafka", baseline.before().rps());
            out.put(p + "in_process_rps_after_kafka", baseline.after() == null ? null : baseline.after().rps());
            out.put(p + "in_process_2_threads_rps", inProcess2Threads.rps());
            out.put(p + "cpu_us_per_record_in_process_1_thread", inProcess().cpuUs());
            out.put(p + "cpu_us_per_record_in_process_2_threads", inProcess2Threads.cpuUs());
            out.put(p + "worker_settings", workerSettings);
            for (var entry : Map.of("1_worker", oneWorker, "2_workers", twoWorkers).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).toList()) {
                Run run = entry.getValue();
                out.put(p + "kafka_" + entry.getKey() + "_rps", finiteOrNull(run.rps()));
                if (photos != null) {
                    out.put(p + "kafka_" + entry.getKey() + "_mb_per_s", finiteOrNull(run.rps() * photos.prepared().meanValueBytes() / 1e6));
                }
                out.put(p + "cpu_us_per_record_" + entry.getKey(), finiteOrNull(run.cpuUs()));
                out.put(p + "cpu_us_per_record_by_thread_" + entry.getKey(), run.cpuUsByThread());
                out.put(p + "stream_thread_busy_" + entry.getKey(), finiteOrNull(run.streamThreadBusy()));
                // The benchmark's JVM hosts the broker: its CPU per record is the broker's (and the lag polling's).
                out.put(p + "broker_jvm_cpu_us_per_record_" + entry.getKey(), finiteOrNull(run.benchJvmCpuUs()));
                out.put(p + "machine_cores_busy_" + entry.getKey(), finiteOrNull(run.machineBusy()));
            }
            out.put(p + "machine_cores", MachineCpu.cores());
            out.put(p + "latency_rate_rps", latency.rateRps());
            out.put(p + "p50_latency_ms", latency.skipped() ? null : latency.p50Ms());
            out.put(p + "p99_latency_ms", latency.skipped() ? null : latency.p99Ms());
            if (photos != null) {
                Prepared prepared = photos.prepared();
                out.put(p + "photo_size", photos.photoSize());
                out.put(p + "prepared_shape", prepared.shape());
                out.put(p + "prepared_dtype", prepared.dtype());
                out.put(p + "prepared_value_bytes", prepared.meanValueBytes());
                out.put(p + "raw_tensor_bytes", prepared.rawTensorBytes());
                out.put(p + "prepared_over_raw_tensor", prepared.overRawTensor());
                out.put(p + "compression_default", photos.compression());
                photos.byCompression().forEach((codec, run) -> {
                    out.put(p + "compression_" + codec + "_bytes_per_record", run.brokerBytesPerRecord());
                    out.put(p + "compression_" + codec + "_cpu_ms_per_record", finiteOrNull(run.cpuUs() / 1e3));
                    out.put(p + "compression_" + codec + "_rps", finiteOrNull(run.rps()));
                });
                out.put(p + "compression_recommended", photos.recommended());
                out.put(p + "1_worker_over_in_process", finiteOrNull(oneWorkerOverInProcess()));
                out.put(p + "target_1_worker_over_in_process_met", oneWorkerOverInProcess() >= TARGET_1_WORKER_OVER_IN_PROCESS);
                // What this machine allows at the CPU per record measured (see Run.boundRps).
                out.put(p + "1_worker_bound_over_in_process", finiteOrNull(boundOverInProcess()));
                out.put(p + "cpu_per_record_2_workers_over_1", finiteOrNull(cpuTwoOverOne()));
                out.put(p + "target_cpu_per_record_2_workers_over_1_met", cpuTwoOverOne() <= TARGET_CPU_2_WORKERS_OVER_1);
                out.put(p + "cpu_per_record_2_workers_over_1_without_jit", finiteOrNull(cpuTwoOverOneWithoutJit()));
                out.put(p + "target_prepared_over_raw_tensor_met", prepared.overRawTensor() <= TARGET_PREPARED_OVER_RAW_TENSOR);
            }
            return out;
        }
    }

    /** The value in {@code format}, or "n/a" where it is NaN or infinite (a window shorter than a clock tick). */
    private static String finite(String format, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "n/a";
    }

    /** The value, or null for JSON where it is NaN or infinite (a window shorter than a clock tick). */
    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** The least warm-up of each in-process thread before its timed rounds. */
    static final long WARM_UP_NANOS = 10_000_000_000L;

    /**
     * The pipeline in-process on {@code threads} threads side by side, each with its own pipeline:
     * the median over five 1-second rounds of the total records/s, with that round's CPU time per record,
     * after a warm-up of the workload's records and at least {@link #WARM_UP_NANOS}.
     */

    private static InProcess inProcess(Workload workload, int threads) throws Exception {
        List<byte[]> samples = workload.samples();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int rounds = 5;
        CyclicBarrier barrier = new CyclicBarrier(threads); // the threads start each round together
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[][]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    long[][] round = new long[rounds][3]; // records, CPU ns, wall ns
                    try (ImagePipeline pipeline = new ImagePipeline(workload.spec(), workload.normalization(), workload.classes())) {
                        // At least the workload's warm-up records and at least WARM_UP_NANOS: a count alone
                        // (300 photos, half a second) ended before the JIT had compiled the hot loops, and the
                        // one-thread figure, measured first, came out at two thirds of the two-thread one's per thread.
                        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
                        for (int i = 0; i < workload.warmup() || System.nanoTime() < warmUpEnd; i++) {
                            pipeline.prepare("w" + i, workload.dataset(), Split.TRAIN, 0, 0, samples.get(i % samples.size()), Label.of(0));
                        }
                        for (long[] r : round) {
                            barrier.await(60, TimeUnit.SECONDS);
                            long start = System.nanoTime();
                            long startCpu = mx.getCurrentThreadCpuTime();
                            int n = 0;
                            while (System.nanoTime() - start < 1_000_000_000L) {
                                pipeline.prepare("s" + n, workload.dataset(), Split.TRAIN, 0, 0, samples.get(n % samples.size()), Label.of(0));
                                n++;
                            }
                            r[0] = n;
                            r[1] = mx.getCurrentThreadCpuTime() - startCpu;
                            r[2] = System.nanoTime() - start;
                        }
                    }
                    return round;
                }));
            }
            double[][] totals = new double[rounds][3]; // records/s, CPU ns, records
            for (Future<long[][]> result : results) {
                long[][] round = result.get();
                for (int r = 0; r < rounds; r++) {
                    totals[r][0] += round[r][0] / (round[r][2] / 1e9);
                    totals[r][1] += round[r][1];
                    totals[r][2] += round[r][0];
                }
            }
            Arrays.sort(totals, Comparator.comparingDouble(r -> r[0]));
            double[] median = totals[rounds / 2];
            return new InProcess(median[0], median[1] / 1e3 / median[2]);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<byte[]> pngs(FashionMnist.Source source, int count) {
        List<byte[]> out = new ArrayList<>();
        try (IdxPngEncoder png = new IdxPngEncoder(source.train())) {
            for (int i = 0; i < count; i++) {
                out.add(png.encode(i));
            }
        }
        return out;
    }

    /**
     * One measured window: records/s, the worker JVMs' CPU µs per record (in all and by thread group,
     * "other" holding the rest), the share of the window each stream thread spent on a core, and the
     * bytes the run added to the output topics' logs on the broker per input record (the whole run).
     */
    record Run(double rps, double cpuUs, Map<String, Double> cpuUsByThread, double streamThreadBusy,
            double brokerBytesPerRecord, double benchJvmCpuUs, double machineBusy) {
        /** The CPU per record of every thread but the JIT's, whose work each JVM does once, in its first tens of seconds. */
        double cpuUsWithoutJit() {
            return cpuUs - cpuUsByThread.getOrDefault("jit", 0.0);
        }

        /**
         * The most records/s this machine could give one worker's run at the CPU per record
         * measured: its cores doing nothing but the worker's and the broker's JVM's work, and the one
         * stream thread never waiting. NaN when a figure is missing.
         */
        double boundRps(int cores) {
            return Math.min(coresRps(cores), streamThreadRps());
        }

        /** Records/s that {@code cores} cores carry doing nothing but the worker's and the broker's JVM's work. */
        double coresRps(int cores) {
            return cores * 1e6 / (cpuUs + benchJvmCpuUs);
        }

        /** Records/s of the stream thread(s) never waiting, at their CPU per record. */
        double streamThreadRps() {
            return 1e6 / cpuUsByThread.getOrDefault("stream", Double.NaN);
        }

        /** A run without the broker's and the machine's figures (tests). */
        Run(double rps, double cpuUs, Map<String, Double> cpuUsByThread, double streamThreadBusy, double brokerBytesPerRecord) {
            this(rps, cpuUs, cpuUsByThread, streamThreadBusy, brokerBytesPerRecord, Double.NaN, Double.NaN);
        }
    }

    /** Starts worker JVMs on the raw topic (from the start) under a fresh application id; measures the steady window. */
    private Run throughRun(KafkaOptions kafka, Workload workload, int workers, int produced, Path dir,
            Map<String, String> settings) throws Exception {
        String name = "bench-" + workers + "-" + System.nanoTime();
        String applicationId = kafka.topics().name(name); // the workers put it behind the topic prefix
        Topics topics = kafka.topics();
        List<String> outputs = List.of(topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest());
        List<Process> children = new ArrayList<>();
        try (Admin admin = kafka.connect(Duration.ofSeconds(10));
                ProgressBar bar = Progress.bar("  " + workers + (workers > 1 ? " workers" : " worker"), produced, "rec")) {
            emptyOutputs(kafka, admin, outputs);
            long startBytes = logBytes(admin, outputs);
            LongConsumer progress = lag -> bar.stepTo(produced - lag);
            for (int i = 0; i < workers; i++) {
                children.add(worker(kafka, name, dir.resolve(name + "-" + i), workload.workerSpecArgs(), settings));
            }
            // The window starts once every worker has its partitions and each worker JVM has done a
            // third of the input's worth of records (as one worker alone does before its window), but
            // leaves at least a third to measure: JVM start-up and the JIT's compilation, several
            // CPU-seconds per JVM that go on for tens of seconds, stay outside it, and two JVMs are
            // compared with one at the same point of their warm-up.
            String raw = kafka.topics().rawImages();
            long deadline = System.currentTimeMillis() + 300_000;
            while (!allAssigned(admin, applicationId, workers)) {
                check(children, deadline);
                Thread.sleep(20);
            }
            long startLag = awaitLag(admin, applicationId, raw, windowStartLag(produced, workers), children, deadline, progress);
            if (startLag == 0) {
                // Too few records (a smoke run): the bytes are measured, the rate and CPU are not.
                System.err.println("  the worker" + (workers > 1 ? "s were" : " was") + " done before the measured window opened: "
                        + "no rate or CPU for this run; give more --records");
                return new Run(Double.NaN, Double.NaN, Map.of(), Double.NaN, (logBytes(admin, outputs) - startBytes) / (double) produced,
                        Double.NaN, Double.NaN);
            }
            long start = System.nanoTime();
            long startCpu = cpuTicks(children);
            long startBenchCpu = benchJvmCpuNanos();
            long[] startMachine = MachineCpu.read();
            Map<String, Long> startThreads = threadTicks(children, applicationId);
            // The window closes before the last records: there the workers whose partitions ran dry
            // first idle while the broker and their JIT go on, which would be counted against the few
            // records still coming.
            // (A window that opened already past that point runs to the end instead.)
            long endLag = startLag > windowEndLag(produced) ? windowEndLag(produced) : 0;
            long lag = awaitLag(admin, applicationId, raw, endLag, children, deadline + 600_000, progress);
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = cpuTicks(children) - startCpu;
            Map<String, Long> threads = threadTicks(children, applicationId);
            long windowRecords = startLag - lag; // > 0: the loop ran until lag ≤ endLag < startLag
            double benchCpuUs = (benchJvmCpuNanos() - startBenchCpu) / 1e3 / windowRecords;
            double machineBusy = MachineCpu.busy(startMachine, MachineCpu.read());
            awaitLag(admin, applicationId, raw, 0, children, deadline + 600_000, progress);
            // Every output transaction is committed with the input offsets: at lag 0 the logs hold the run's output.
            double bytesPerRecord = (logBytes(admin, outputs) - startBytes) / (double) produced;
            double usPerRecordPerTick = 1e6 / clockTicks() / windowRecords; // one clock tick spread over the window's records, in µs
            Map<String, Double> byThread = new LinkedHashMap<>();
            long named = 0;
            for (String group : THREAD_GROUPS) {
                long ticks = threads.getOrDefault(group, 0L) - startThreads.getOrDefault(group, 0L);
                named += ticks;
                byThread.put(group, ticks * usPerRecordPerTick);
            }
            // Everything else, including threads that ended inside the window (the process total keeps their time).
            byThread.put("other", (cpu - named) * usPerRecordPerTick);
            long streamTicks = threads.getOrDefault("stream", 0L) - startThreads.getOrDefault("stream", 0L);
            return new Run(windowRecords / seconds, cpu * usPerRecordPerTick, byThread, streamTicks / (double) clockTicks() / seconds / workers,
                    bytesPerRecord, benchCpuUs, machineBusy);
        } finally {
            ChildJvm.stopAll(children, Duration.ofSeconds(30));
        }
    }

    /**
     * Polls the group's lag on {@code topic} every 20 ms, telling {@code progress} each reading, until
     * it is at most {@code atMost}, and returns it.
     */
    private static long awaitLag(Admin admin, String applicationId, String topic, long atMost, List<Process> children, long deadline,
            LongConsumer progress) throws Exception {
        long lag;
        while ((lag = ConsumerLag.of(admin, applicationId, topic)) > atMost) {
            progress.accept(lag);
            check(children, deadline);
            Thread.sleep(20);
        }
        progress.accept(lag);
        return lag;
    }

    /**
     * Deletes the output topics and creates them again, empty, when an earlier run left records in
     * them: the broker's disk then holds one run's output at a time (a run of 81,000 photos
     * uncompressed writes 12 GB).
     */
    private static void emptyOutputs(KafkaOptions kafka, Admin admin, List<String> outputs) throws Exception {
        if (logBytes(admin, outputs) == 0) {
            return;
        }
        admin.deleteTopics(outputs).all().get(60, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!java.util.Collections.disjoint(admin.listTopics().names().get(), outputs)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the broker did not delete the output topics " + outputs + " within 60 s");
            }
            Thread.sleep(50);
        }
        kafka.ensureTopics(TopicLayout.of(TopicLayout.DEFAULT_PARTITIONS));
    }

    /**
     * The consumer lag at which the measured window starts: once {@code workers} JVMs have each done
     * a third of {@code produced} records, but with at least a third of them left to measure.
     */
    static long windowStartLag(long produced, int workers) {
        long warmUpPerJvm = produced / 3;
        return produced - Math.min(produced * 2 / 3, warmUpPerJvm * workers);
    }

    /** The consumer lag at which the measured window closes: the last thirtieth of the records stays out of it. */
    static long windowEndLag(long produced) {
        return produced / 30;
    }

    /** The cores the worker JVMs and the broker may use (this JVM's view: a container's limit where there is one). */
    static int usableCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The CPU time of this JVM, which hosts the embedded broker (and the benchmark's lag polling), in ns. */
    private static long benchJvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * The size of the topics' logs on the brokers' disks, every partition and replica: the bytes as
     * stored, after the producers' compression, with Kafka's record and batch framing and the
     * transaction markers.
     */
    static long logBytes(Admin admin, Collection<String> topics) throws Exception {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
        long bytes = 0;
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription logDir : dirs.values()) {
                for (var replica : logDir.replicaInfos().entrySet()) {
                    if (topics.contains(replica.getKey().topic())) {
                        bytes += replica.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * Up to {@code wanted} records of the train output, read committed from the start, decoded with
     * the wire format's codec: their mean value size, and their one shape and dtype.
     */
    private static Prepared readPrepared(KafkaOptions kafka, int wanted) {
        Properties props = kafka.clientProperties();
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("isolation.level", "read_committed");
        long bytes = 0;
        int read = 0;
        Set<String> kinds = new LinkedHashSet<>();
        List<Integer> shape = null;
        String dtype = null;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(kafka.topics().augmentedTrain()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 60_000;
            while (read < wanted && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (read == wanted) {
                        break;
                    }
                    Tensor tensor = PreparedCodec.decode(record.value()).tensor();
                    shape = List.of(tensor.channels(), tensor.height(), tensor.width());
                    dtype = tensor.dtype().name().toLowerCase(Locale.ROOT);
                    kinds.add(shape + " " + dtype);
                    bytes += record.value().length;
                    read++;
                }
            }
        }
        if (read == 0) {
            throw new IllegalStateException("no prepared record could be read back from " + kafka.topics().augmentedTrain());
        }
        if (kinds.size() > 1) {
            throw new IllegalStateException("prepared records of more than one shape or dtype: " + kinds);
        }
        return new Prepared(read, bytes / (double) read, shape, dtype);
    }

    private static boolean allAssigned(Admin admin, String applicationId, int workers) throws Exception {
        org.apache.kafka.clients.admin.ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(applicationId)).all().get().get(applicationId);
        } catch (java.util.concurrent.ExecutionException e) {
            return false; // the group does not exist yet
        }
        return group.members().size() == workers && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
    }

    private static void check(List<Process> children, long deadline) {
        for (Process child : children) {
            if (!child.isAlive()) {
                throw new IllegalStateException("a worker JVM exited with status " + child.exitValue());
            }
        }
        if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("the workers did not finish in time");
        }
    }

    /** A worker JVM started through the launcher's main class, logging into its state directory. */
    private static Process worker(KafkaOptions kafka, String applicationId, Path stateDir, List<String> specArgs,
            Map<String, String> settings) throws Exception {
        Files.createDirectories(stateDir);
        return workerJvm(kafka, applicationId, stateDir, specArgs, settings).logTo(stateDir.resolve("worker.log")).start();
    }

    /** A worker JVM on the spec {@code specArgs} name; each setting ({@code --worker-kafka}) becomes a {@code --kafka} flag. */
    static ChildJvm workerJvm(KafkaOptions kafka, String applicationId, Path stateDir, List<String> specArgs,
            Map<String, String> settings) {
        ChildJvm jvm = ChildJvm.main(StreamaugCli.class).heap("1g").args("augment",
                "--bootstrap", kafka.bootstrap(), "--topic-prefix", kafka.topics().prefix(), "--application-id", applicationId)
                .args(specArgs).args("--text-spec", "none", "--progress-every", "0", "--state-dir", stateDir.toString());
        settings.forEach((key, value) -> jvm.args("--kafka", key + "=" + value));
        return jvm;
    }

    /** utime + stime of the processes, in clock ticks. */
    private static long cpuTicks(List<Process> processes) throws Exception {
        long ticks = 0;
        for (Process p : processes) {
            ticks += statTicks(Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat")));
        }
        return ticks;
    }

    /** The worker threads the benchmark tells apart, by the name Linux keeps for them (15 characters). */
    static final List<String> THREAD_GROUPS = List.of("stream", "producer_io", "jit", "gc");

    /**
     * utime + stime of the processes' live threads in clock ticks, summed by {@link #THREAD_GROUPS}
     * (see {@link #threadGroup}); threads of no group are left out.
     */
    static Map<String, Long> threadTicks(List<Process> processes, String applicationId) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Process p : processes) {
            threadTicks(p.pid(), applicationId).forEach((group, ticks) -> out.merge(group, ticks, Long::sum));
        }
        return out;
    }

    static Map<String, Long> threadTicks(long pid, String applicationId) throws java.io.IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<Path> threads;
        try (var list = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            threads = list.toList();
        }
        for (Path thread : threads) {
            String stat;
            try {
                stat = Files.readString(thread.resolve("stat"));
            } catch (java.io.IOException ended) {
                continue; // the thread ended meanwhile: the process total still has its time
            }
            String group = threadGroup(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), applicationId);
            if (group != null) {
                out.merge(group, statTicks(stat), Long::sum);
            }
        }
        return out;
    }

    /**
     * The group of a worker thread by its Linux name (the Java name cut to 15 characters): stream
     * threads are named after the application id, the producers' sender threads "kafka-producer-…",
     * the JIT's "C1/C2 CompilerThread…", the collector's "GC Thread#…", "G1 …" and the VM thread;
     * {@code null} for any other.
     */
    static String threadGroup(String linuxName, String applicationId) {
        String streamPrefix = applicationId.substring(0, Math.min(15, applicationId.length()));
        if (linuxName.startsWith(streamPrefix)) {
            return "stream";
        } else if (linuxName.startsWith("kafka-producer")) {
            return "producer_io";
        } else if (linuxName.startsWith("C1 Compiler") || linuxName.startsWith("C2 Compiler")) {
            return "jit";
        } else if (linuxName.startsWith("GC Thread") || linuxName.startsWith("G1 ") || linuxName.equals("VM Thread")) {
            return "gc";
        }
        return null;
    }

    /** utime + stime from a process's or thread's {@code stat} line (fields 14 and 15, after the name). */
    private static long statTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long clockTicks() {
        return 100; // USER_HZ on Linux
    }

    /** Latency raw → prepared (read committed) for records produced at a steady rate through one worker. */
    private Latency latency(KafkaOptions kafka, Workload workload, int rate, Path dir) throws Exception {
        Topics topics = new Topics("latency.");
        KafkaOptions latencyKafka = KafkaOptions.of(kafka.bootstrap(), topics);
        latencyKafka.ensureTopics(TopicLayout.of(TopicLayout.DEFAULT_PARTITIONS));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(latencyKafka.producerProperties())) {
            workload.input().produce(producer, topics, 0); // defines the dataset
        }
        String name = "latency-" + System.nanoTime();
        String applicationId = topics.name(name); // the worker puts it behind the topic prefix
        Process child = worker(latencyKafka, name, dir.resolve(name), workload.workerSpecArgs(), workerKafka);
        List<byte[]> samples = workload.samples();
        List<Double> latencies = new ArrayList<>();
        Properties props = latencyKafka.clientProperties();
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("isolation.level", "read_committed");
        props.put("group.id", "latency-reader-" + System.nanoTime());
        props.put("auto.offset.reset", "latest");
        try (Admin admin = kafka.connect(Duration.ofSeconds(10));
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(latencyKafka.producerProperties())) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!allAssigned(admin, applicationId, 1)) {
                check(List.of(child), deadline);
                Thread.sleep(50);
            }
            consumer.subscribe(List.of(topics.augmentedTrain()));
            while (consumer.assignment().size() < 6) {
                consumer.poll(Duration.ofMillis(100));
            }
            int total = rate * 15;
            long start = System.nanoTime();
            int sent = 0;
            while (latencies.size() < total * 2 / 3 && System.currentTimeMillis() < deadline + 60_000) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                for (; sent < Math.min(due, total); sent++) {
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.rawImages(), null, System.currentTimeMillis(),
                            "lat-" + sent, samples.get(sent % samples.size()));
                    RawHeaders.put(record.headers(), RawHeaders.DATASET, workload.dataset());
                    RawHeaders.put(record.headers(), RawHeaders.LABEL, "0");
                    producer.send(record);
                }
                for (ConsumerRecord<String, byte[]> out : consumer.poll(Duration.ofMillis(5))) {
                    // Kafka Streams keeps the input record's timestamp: the time it was produced.
                    if (out.key().startsWith("lat-") && Integer.parseInt(out.key().substring(4)) >= rate * 3) {
                        latencies.add((double) (System.currentTimeMillis() - out.timestamp()));
                    }
                }
            }
        } finally {
            ChildJvm.stop(child, Duration.ofSeconds(30));
        }
        latencies.sort(Double::compare);
        return new Latency(rate, latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() / 2),
                latencies.isEmpty() ? Double.NaN : latencies.get((int) (latencies.size() * 0.99)));
    }

    private static void print(Results r, String title) {
        double inProcess = r.inProcess().rps();
        double one = r.oneWorker().rps();
        double two = r.twoWorkers().rps();
        double cpuOne = r.oneWorker().cpuUs();
        double cpuTwo = r.twoWorkers().cpuUs();
        PhotoFigures photos = r.photos();
        // MB/s of prepared records (their values, uncompressed) for the photo benchmark.
        java.util.function.DoubleFunction<String> mbps = rps -> photos == null ? ""
                : String.format(Locale.ROOT, ", %.1f MB/s", rps * photos.prepared().meanValueBytes() / 1e6);
        System.out.printf(Locale.ROOT, "%n%s, %s records, embedded broker, exactly-once%n", title, r.records());
        Baseline baseline = r.baseline();
        System.out.printf(Locale.ROOT, "  in-process, one thread          %8.0f records/s%s%n", inProcess, baseline.after() == null ? ""
                : String.format(Locale.ROOT, "  (the faster of %.0f before the runs through Kafka and %.0f after)",
                        baseline.before().rps(), baseline.after().rps()));
        System.out.printf(Locale.ROOT, "  through Kafka, 1 worker         %8.0f records/s  (%.2f× in-process%s)%n", one, one / inProcess,
                mbps.apply(one));
        System.out.printf(Locale.ROOT, "  through Kafka, 2 worker JVMs    %8.0f records/s  (%.2f× one worker%s)%n", two, two / one,
                mbps.apply(two));
        double cpuIn1 = r.inProcess().cpuUs();
        double cpuIn2 = r.inProcess2Threads().cpuUs();
        System.out.printf(Locale.ROOT, "  worker CPU per record           %8.1f µs (1 worker), %.1f µs (2 workers: %.2f×)%n", cpuOne, cpuTwo, cpuTwo / cpuOne);
        for (var entry : List.of(Map.entry("1 worker", r.oneWorker()), Map.entry("2 workers", r.twoWorkers()))) {
            StringBuilder line = new StringBuilder();
            entry.getValue().cpuUsByThread().forEach((group, us) ->
                    line.append(String.format(Locale.ROOT, "%s %.1f, ", group, us)));
            System.out.printf(Locale.ROOT, "    %-9s by thread (µs)    %s stream threads busy %.0f %%%n", entry.getKey(),
                    line, 100 * entry.getValue().streamThreadBusy());
        }
        for (var entry : List.of(Map.entry("1 worker", r.oneWorker()), Map.entry("2 workers", r.twoWorkers()))) {
            System.out.printf(Locale.ROOT, "  beside %-9s the broker's JVM %s µs per record; the machine's %d cores %s %% busy%n",
                    entry.getKey() + ":", finite("%.1f", entry.getValue().benchJvmCpuUs()), MachineCpu.cores(),
                    finite("%.0f", 100 * entry.getValue().machineBusy()));
        }
        // The two threads run right after the first one-thread run: their ratio is to that run, made at the same time.
        System.out.printf(Locale.ROOT, "  in-process CPU per record       %8.1f µs (1 thread), %.1f µs (2 side by side: %.2f× the one "
                + "thread just before them)%n", cpuIn1, cpuIn2, cpuIn2 / r.baseline().before().cpuUs());
        if (r.latency().skipped()) {
            System.out.println("  latency                         not measured (--latency-rate 0)");
        } else {
            System.out.printf(Locale.ROOT, "  latency at %d records/s      p50 %s ms, p99 %s ms%n", r.latency().rateRps(),
                    r.latency().p50Ms(), r.latency().p99Ms());
        }
        if (photos != null) {
            printPhotos(r, photos);
        }
    }

    private static void printPhotos(Results r, PhotoFigures photos) {
        Prepared prepared = photos.prepared();
        List<Integer> shape = prepared.shape();
        System.out.printf(Locale.ROOT, "  prepared record (value, mean of %d read back) %,.0f B = %,d B of pixels (%d×%d×%d %s) + %,.0f B of "
                        + "header, id, dataset, label, shape, scale/offset and op trace: %.4f× the raw tensor%n",
                prepared.sampled(), prepared.meanValueBytes(), prepared.rawTensorBytes(), shape.get(0), shape.get(1), shape.get(2),
                prepared.dtype(), prepared.meanValueBytes() - prepared.rawTensorBytes(), prepared.overRawTensor());
        Run none = photos.byCompression().get("none");
        System.out.printf(Locale.ROOT, "  output compression, 1 worker    bytes on the broker per record   worker CPU per record   records/s%n");
        photos.byCompression().forEach((codec, run) -> System.out.printf(Locale.ROOT, "    %-28s %,10.0f B%s   %8.2f ms   %8.0f%n",
                codec + (codec.equals(photos.compression()) ? " (the workers' default)" : ""), run.brokerBytesPerRecord(),
                none == null ? "" : String.format(Locale.ROOT, " (%.3f×)", run.brokerBytesPerRecord() / none.brokerBytesPerRecord()),
                run.cpuUs() / 1e3, run.rps()));
        if (none != null) {
            System.out.printf(Locale.ROOT, "    (with none, %,.0f B on the broker beyond the value: key, spec header, record and batch framing, "
                    + "transaction markers)%n", none.brokerBytesPerRecord() - prepared.meanValueBytes());
        }
        String best = photos.recommended();
        Run chosen = photos.byCompression().get(best);
        if (chosen != null && !photos.cpuMeasured()) {
            System.out.printf(Locale.ROOT, "  the data says the default should be %s, on bytes alone: the run was too short to measure the "
                    + "workers' CPU (give more --records)%n", best);
        } else if (chosen != null) {
            double minCpu = photos.byCompression().values().stream().mapToDouble(Run::cpuUs).min().orElse(Double.NaN);
            String current = AugmentConfig.DEFAULT_OUTPUT_COMPRESSION;
            System.out.printf(Locale.ROOT, "  the data says the default should be %s: %s, at %+.1f %% worker CPU per record against the cheapest "
                            + "(bytes over the least + CPU over the least, lowest wins: a percent of bytes weighs as a percent of CPU); %s%n",
                    best, none == null ? "" : String.format(Locale.ROOT, "%.1f %% fewer bytes on the broker than none",
                            100 * (1 - chosen.brokerBytesPerRecord() / none.brokerBytesPerRecord())),
                    100 * (chosen.cpuUs() / minCpu - 1), best.equals(current)
                            ? "that is the workers' default (AugmentConfig.DEFAULT_OUTPUT_COMPRESSION)"
                            : "the workers' default, AugmentConfig.DEFAULT_OUTPUT_COMPRESSION, is " + current);
        }
        double oneOverIn = r.oneWorkerOverInProcess();
        double cpuTwoOverOne = r.cpuTwoOverOne();
        System.out.println("  targets:");
        target("1 worker ≥ " + Results.TARGET_1_WORKER_OVER_IN_PROCESS + "× in-process", oneOverIn,
                oneOverIn >= Results.TARGET_1_WORKER_OVER_IN_PROCESS);
        int cores = usableCores();
        Run one = r.oneWorker();
        if (Double.isFinite(r.boundOverInProcess())) {
            System.out.printf(Locale.ROOT, "      at most %.2f× on this machine: its %d cores carry %.0f records/s of the worker's and the broker's "
                            + "work at the CPU per record measured (%.0f + %.0f µs), the one stream thread %.0f/s%n",
                    r.boundOverInProcess(), cores, one.coresRps(cores), one.cpuUs(), one.benchJvmCpuUs(),
                    one.streamThreadRps());
        }
        target("2 workers' CPU per record ≤ " + Results.TARGET_CPU_2_WORKERS_OVER_1 + "× one worker's", cpuTwoOverOne,
                cpuTwoOverOne <= Results.TARGET_CPU_2_WORKERS_OVER_1);
        System.out.printf(Locale.ROOT, "      %s× without the JIT compilers' threads (each JVM compiles for its first tens of seconds); "
                + "the machine's cores %s %% busy%n", finite("%.2f", r.cpuTwoOverOneWithoutJit()),
                finite("%.0f", 100 * r.twoWorkers().machineBusy()));
        target("prepared record ≤ " + Results.TARGET_PREPARED_OVER_RAW_TENSOR + "× the raw uint8 tensor", prepared.overRawTensor(),
                prepared.overRawTensor() <= Results.TARGET_PREPARED_OVER_RAW_TENSOR);
    }

    private static void target(String what, double value, boolean met) {
        System.out.printf(Locale.ROOT, "    %-52s %s (%.3f×)%n", what, met ? "met" : "NOT MET", value);
    }
}
