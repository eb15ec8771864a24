package io.streamaug.deploy;

import io.streamaug.core.cli.JsonOutput;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * JVM's warm-up.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Throughput of the augment workers through an embedded broker with exactly-once (the "
                + "fashion-mnist spec), for 1 worker (1 thread) and 2 worker JVMs, beside the pipeline in-process; the "
                + "worker JVMs' CPU time per record; p50/p99 latency raw → prepared at a steady --latency-rate."})
public final class PipelineBenchCommand implements Callable<Integer> {
    // 900,000: with 300,000 the JIT compilers were still at work in the window (16 µs per record with
    // two workers, 6 with one), which the per-thread split of the worker CPU time showed.
    @Option(names = "--records", defaultValue = "900000",
            description = "Raw records to push through; the first third warms the worker JVMs up (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--latency-rate", defaultValue = "1000", description = "Records/s for the latency run (default: ${DEFAULT-VALUE}).")
    int latencyRate;

    @Mixin
    JsonOutput json;

    @Option(names = "--worker-kafka", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client setting for the worker JVMs, repeatable (e.g. commit.interval.ms=500).")
    Map<String, String> workerKafka = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        json.check();
        if (records < 1000 || latencyRate < 1) {
            throw new UsageException("--records must be ≥ 1000 and --latency-rate ≥ 1");
        }
        if (!Files.exists(Path.of("/proc/self/stat"))) {
            throw new UsageException("bench pipeline reads worker CPU time from /proc: it runs on Linux");
        }
        Path dir = Files.createTempDirectory("streamaug-bench");
        FashionMnist.Source source = FashionMnist.load(null, true, 0);
        PipelineSpec spec = SpecLoader.resolve("fashion-mnist", List.of());
        System.err.println("in-process pipeline (decode + augment + normalise), one thread, then two side by side…");
        InProcess one = inProcess(source, spec, 1);
        // What two CPU-bound pipelines cost each other on this machine without Kafka: the baseline for
        // the CPU per record of two worker JVMs.
        InProcess two = inProcess(source, spec, 2);
        Results results;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, Map.of())) {
            KafkaOptions kafka = KafkaOptions.of(broker.bootstrapServers(), Topics.DEFAULT);
            Topics topics = kafka.topics();
            kafka.ensureTopics(TopicLayout.of(TopicLayout.DEFAULT_PARTITIONS));
            int epochs = Math.max(1, (int) Math.ceil(records / 5400.0));
            System.err.println("producing " + records + "+ records (broker warm-up included)…");
            int produced;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                produced = new ImageProducer(producer, topics).produce(source, new ImageProducer.Plan("fashion-mnist", 0.1, 1, epochs)).total();
            }
            Run[] runs = new Run[2];
            for (int workers : new int[] {1, 2}) {
                System.err.println(workers + " worker JVM(s) over " + produced + " records…");
                runs[workers - 1] = throughRun(kafka, workers, produced, dir);
            }
            System.err.println("latency at " + latencyRate + " records/s with one worker…");
            results = new Results(produced, one, two, new LinkedHashMap<>(workerKafka), runs[0], runs[1],
                    latency(kafka, source, dir));
        } finally {
            DemoCommand.deleteRecursively(dir);
        }
        print(results);
        json.write(results.json());
        return 0;
    }

    /** The in-process pipeline's rate and CPU per record. */
    record InProcess(double rps, double cpuUs) {
    }

    /** The latency run: p50/p99 raw → prepared at a steady rate. */
    record Latency(int rateRps, double p50Ms, double p99Ms) {
    }

    /** One run of the benchmark; {@link #json} gives the keys docs/results/bench-pipeline*.json use. */
    record Results(int records, InProcess inProcess, InProcess inProcess2Threads, Map<String, String> workerSettings,
            Run oneWorker, Run twoWorkers, Latency latency) {
        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("records", records);
            out.put("in_process_rps", inProcess.rps());
            out.put("in_process_2_threads_rps", inProcess2Threads.rps());
            out.put("cpu_us_per_record_in_process_1_thread", inProcess.cpuUs());
            out.put("cpu_us_per_record_in_process_2_threads", inProcess2Threads.cpuUs());
            out.put("worker_settings", workerSettings);
            for (var entry : Map.of("1_worker", oneWorker, "2_workers", twoWorkers).entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).toList()) {
                Run run = entry.getValue();
                out.put("kafka_" + entry.getKey() + "_rps", run.rps());
                out.put("cpu_us_per_record_" + entry.getKey(), run.cpuUs());
                out.put("cpu_us_per_record_by_thread_" + entry.getKey(), run.cpuUsByThread());
                out.put("stream_thread_busy_" + entry.getKey(), run.streamThreadBusy());
            }
            out.put("latency_rate_rps", latency.rateRps());
            out.put("p50_latency_ms", latency.p50Ms());
            out.put("p99_latency_ms", latency.p99Ms());
            return out;
        }
    }

    /**
     * The pipeline in-process on {@code threads} threads side by side, each with its own pipeline:
     * the median over five 1-second rounds of the total records/s, with that round's CPU time per record.
     */
    private static InProcess inProcess(FashionMnist.Source source, PipelineSpec spec, int threads) throws Exception {
        List<byte[]> pngs = pngs(source, 2000);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int rounds = 5;
        CyclicBarrier barrier = new CyclicBarrier(threads); // the threads start each round together
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[][]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    long[][] round = new long[rounds][3]; // records, CPU ns, wall ns
                    try (ImagePipeline pipeline = new ImagePipeline(spec, Normalization.FASHION_MNIST, 10)) {
                        for (int i = 0; i < 4000; i++) {
                            pipeline.prepare("w" + i, "fm", Split.TRAIN, 0, 0, pngs.get(i % pngs.size()), Label.of(1));
                        }
                        for (long[] r : round) {
                            barrier.await(60, TimeUnit.SECONDS);
                            long start = System.nanoTime();
                            long startCpu = mx.getCurrentThreadCpuTime();
                            int n = 0;
                            while (System.nanoTime() - start < 1_000_000_000L) {
                                pipeline.prepare("s" + n, "fm", Split.TRAIN, 0, 0, pngs.get(n % pngs.size()), Label.of(1));
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
     * "other" holding the rest), and the share of the window each stream thread spent on a core.
     */
    record Run(double rps, double cpuUs, Map<String, Double> cpuUsByThread, double streamThreadBusy) {
    }

    /** Starts worker JVMs on the raw topic (from the start) under a fresh application id; measures the steady window. */
    private Run throughRun(KafkaOptions kafka, int workers, int produced, Path dir) throws Exception {
        String name = "bench-" + workers + "-" + System.nanoTime();
        String applicationId = kafka.topics().name(name); // the workers put it behind the topic prefix
        List<Process> children = new ArrayList<>();
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            for (int i = 0; i < workers; i++) {
                children.add(worker(kafka, name, dir.resolve(name + "-" + i)));
            }
            // The window starts once every worker has its partitions and a third of the input is done:
            // JVM start-up and JIT compilation (several CPU-seconds per JVM) stay outside it.
            long lag = produced;
            long deadline = System.currentTimeMillis() + 300_000;
            while ((lag = ConsumerLag.of(admin, applicationId, kafka.topics().rawImages())) > produced * 2L / 3
                    || !allAssigned(admin, applicationId, workers)) {
                check(children, deadline);
                Thread.sleep(20);
            }
            long startLag = lag;
            long start = System.nanoTime();
            long startCpu = cpuTicks(children);
            Map<String, Long> startThreads = threadTicks(children, applicationId);
            while ((lag = ConsumerLag.of(admin, applicationId, kafka.topics().rawImages())) > 0) {
                check(children, deadline + 600_000);
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = cpuTicks(children) - startCpu;
            Map<String, Long> threads = threadTicks(children, applicationId);
            double usPerRecordPerTick = 1e6 / clockTicks() / startLag; // one clock tick spread over the window's records, in µs
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
            return new Run(startLag / seconds, cpu * usPerRecordPerTick, byThread, streamTicks / (double) clockTicks() / seconds / workers);
        } finally {
            for (Process child : children) {
                ChildJvm.stop(child, Duration.ofSeconds(30));
            }
        }
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
    private Process worker(KafkaOptions kafka, String applicationId, Path stateDir) throws Exception {
        Files.createDirectories(stateDir);
        return workerJvm(kafka, applicationId, stateDir, workerKafka).logTo(stateDir.resolve("worker.log")).start();
    }

    /**
     * A worker JVM; each {@code --worker-kafka} setting becomes a {@code --kafka} flag. It pins
     * Fashion-MNIST's constants rather than wait for statistics: the throughput does not depend on them.
     */
    static ChildJvm workerJvm(KafkaOptions kafka, String applicationId, Path stateDir, Map<String, String> settings) {
        ChildJvm jvm = ChildJvm.main(StreamaugCli.class).heap("1g").args("augment",
                "--bootstrap", kafka.bootstrap(), "--topic-prefix", kafka.topics().prefix(), "--application-id", applicationId,
                "--spec", "fashion-mnist", "--mean", "0.2860", "--std", "0.3530", "--text-spec", "none", "--progress-every", "0", "--state-dir", stateDir.toString());
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
    private Latency latency(KafkaOptions kafka, FashionMnist.Source source, Path dir) throws Exception {
        Topics topics = new Topics("latency.");
        KafkaOptions latencyKafka = KafkaOptions.of(kafka.bootstrap(), topics);
        latencyKafka.ensureTopics(TopicLayout.of(TopicLayout.DEFAULT_PARTITIONS));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(latencyKafka.producerProperties())) {
            new ImageProducer(producer, topics).produce(FashionMnist.load(null, true, 1), new ImageProducer.Plan("fashion-mnist", 0, 1, 1));
        }
        String name = "latency-" + System.nanoTime();
        String applicationId = topics.name(name); // the worker puts it behind the topic prefix
        Process child = worker(latencyKafka, name, dir.resolve(name));
        List<byte[]> pngs = pngs(source, 1000);
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
            int total = latencyRate * 15;
            long start = System.nanoTime();
            int sent = 0;
            while (latencies.size() < total * 2 / 3 && System.currentTimeMillis() < deadline + 60_000) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * latencyRate);
                for (; sent < Math.min(due, total); sent++) {
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.rawImages(), null, System.currentTimeMillis(),
                            "lat-" + sent, pngs.get(sent % pngs.size()));
                    RawHeaders.put(record.headers(), RawHeaders.DATASET, "fashion-mnist");
                    RawHeaders.put(record.headers(), RawHeaders.LABEL, "1");
                    producer.send(record);
                }
                for (ConsumerRecord<String, byte[]> out : consumer.poll(Duration.ofMillis(5))) {
                    // Kafka Streams keeps the input record's timestamp: the time it was produced.
                    if (out.key().startsWith("lat-") && Integer.parseInt(out.key().substring(4)) >= latencyRate * 3) {
                        latencies.add((double) (System.currentTimeMillis() - out.timestamp()));
                    }
                }
            }
        } finally {
            ChildJvm.stop(child, Duration.ofSeconds(30));
        }
        latencies.sort(Double::compare);
        return new Latency(latencyRate, latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() / 2),
                latencies.isEmpty() ? Double.NaN : latencies.get((int) (latencies.size() * 0.99)));
    }

    private static void print(Results r) {
        double inProcess = r.inProcess().rps();
        double one = r.oneWorker().rps();
        double two = r.twoWorkers().rps();
        double cpuOne = r.oneWorker().cpuUs();
        double cpuTwo = r.twoWorkers().cpuUs();
        System.out.printf(Locale.ROOT, "%nfashion-mnist spec, %s records, embedded broker, exactly-once%n", r.records());
        System.out.printf(Locale.ROOT, "  in-process, one thread          %8.0f records/s%n", inProcess);
        System.out.printf(Locale.ROOT, "  through Kafka, 1 worker         %8.0f records/s  (%.2f× in-process)%n", one, one / inProcess);
        System.out.printf(Locale.ROOT, "  through Kafka, 2 worker JVMs    %8.0f records/s  (%.2f× one worker)%n", two, two / one);
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
        System.out.printf(Locale.ROOT, "  in-process CPU per record       %8.1f µs (1 thread), %.1f µs (2 side by side: %.2f×)%n",
                cpuIn1, cpuIn2, cpuIn2 / cpuIn1);
        System.out.printf(Locale.ROOT, "  latency at %d records/s      p50 %s ms, p99 %s ms%n", r.latency().rateRps(),
                r.latency().p50Ms(), r.latency().p99Ms());
    }

}
