package io.streamaug.deploy.chaos;

import io.streamaug.broker.KafkaCluster;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.core.process.ClassDataArchive;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.TextCorpus;
import io.streamaug.deploy.StreamaugCli;
import io.streamaug.kafka.ConsumerLag;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.worker.produce.ImageProducer;
import io.streamaug.worker.produce.ProduceSummary;
import io.streamaug.worker.produce.TextProducer;
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
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * One chaos run: a three-broker cluster; the bundled Fashion-MNIST replayed to the asked number of
 * raw image records, plus raw text; a fault-free reference run of that input through one worker;
 * then the same input paced into a second topic set, worked by up to four worker JVMs and trained by
 * a trainer JVM while {@link ChaosSchedule}'s faults happen; then a verifier that reads every
 * prepared topic {@code read_committed} and compares each record with the reference's, and the
 * trainer's audit with what it should have trained.
 */
public final class ChaosRun {
    /** The verdict line printed when everything arrived exactly once with the reference's bytes. */
    public static final String ALL_DELIVERED = "ALL-RECORDS-DELIVERED";
    static final String DATASET = FashionMnist.NAME;
    static final String TEXT_DATASET = "spam-assassin";
    private static final int BROKERS = 3;
    private static final int MAX_WORKERS = 4;
    private static final String APPLICATION = "augment";
    private static final String TRAINER = "chaos";
    /** The longest a worker-timeline fault waits for the application to commit since the previous one. */
    static final Duration FAULT_WAIT_LIMIT = Duration.ofSeconds(60);

    /** What to run. */
    public record Settings(int records, long seed, Path dir, ChaosSchedule.Plan plan, Membership membership,
            int partitions) {
    }

    /**
     * How the workers belong to their group: the classic protocol with each worker slot keeping its
     * {@code --instance-id} (as StatefulSet pods do) or with none, or Kafka 4's broker-side streams
     * protocol (KIP-1071; no static membership before Kafka 4.4).
     */
    public enum Membership {
        STATIC, DYNAMIC, STREAMS;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Settings settings;
    private final PrintStream out;
    private final long started = System.nanoTime();
    /** Every process group started, for {@link #abort}. */
    private final java.util.Deque<AutoCloseable> open = new java.util.concurrent.ConcurrentLinkedDeque<>();

    public ChaosRun(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs everything and returns the results (the keys of {@code chaos --json}); stops every process it started. */
    public Map<String, Object> run() throws Exception {
        Path dir = Files.createDirectories(settings.dir());
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("seed", settings.seed());
        say("starting a %d-broker KRaft cluster (one JVM per broker) under %s", BROKERS, dir.resolve("cluster"));
        try (KafkaCluster cluster = track(KafkaCluster.start(dir.resolve("cluster"), BROKERS, 0, Map.of()))) {
            return run(cluster, dir, results);
        }
    }

    private <T extends AutoCloseable> T track(T processes) {
        open.push(processes);
        return processes;
    }

    /**
     * Stops every process the run started, newest first (SIGTERM, then SIGKILL): for a shutdown
     * hook, so that Ctrl-C on a run leaves nothing behind.
     */
    public void abort() {
        for (AutoCloseable processes = open.poll(); processes != null; processes = open.poll()) {
            try {
                processes.close();
            } catch (Exception e) {
                // stopping the rest matters more
            }
        }
    }

    private Map<String, Object> run(KafkaCluster cluster, Path dir, Map<String, Object> results) throws Exception {
        String bootstrap = cluster.bootstrapServers();
        Properties client = KafkaOptions.of(bootstrap, Topics.DEFAULT).clientProperties();
        Topics reference = new Topics("chaos-ref.");
        Topics live = new Topics("chaos.");
        try (Admin admin = Admin.create(client)) {
            for (Topics topics : List.of(reference, live)) {
                topics.ensure(admin, TopicLayout.of(settings.partitions()));
            }
            say("topics: %d partitions, replication factor %d, min.insync.replicas %s", settings.partitions(),
                    Topics.replicationFactor(admin, TopicLayout.of(settings.partitions())),
                    admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, live.rawImages())))
                            .all().get(30, TimeUnit.SECONDS).values().iterator().next().get("min.insync.replicas").value());
        }

        // The input, once, on the reference topics.
        Path spec = mixingSpec(dir);
        long[] produced = produce(bootstrap, reference, dir);
        results.put("input_image_records", produced[0]);
        results.put("input_text_records", produced[1]);

        // The fault-free reference: one worker over the same input. Where there is no class-data archive
        // for the workers yet, the reference worker, which stops cleanly, writes it for the others.
        say("reference: one worker, no faults, over the %,d input records", produced[0] + produced[1]);
        Delivery expected;
        long referenceStarted = System.nanoTime();
        Optional<ClassDataArchive> archive = ClassDataArchive.forKind("worker");
        boolean writesArchive = archive.isPresent() && !archive.get().present();
        List<String> referenceOptions = archive.isEmpty() ? List.of()
                : writesArchive ? archive.get().writeOptions() : archive.get().useOptions();
        try (Fleet one = track(new Fleet("reference-worker", 1, dir.resolve("logs"), slot -> worker(bootstrap, reference,
                spec, dir.resolve("reference-state"), slot, Membership.DYNAMIC, referenceOptions)))) {
            one.start(0);
            awaitCaughtUp(client, reference, one, Duration.ofMinutes(10));
            one.stop(0, Duration.ofSeconds(60));
            expected = Delivery.read(client, reference, DATASET, Duration.ofMinutes(2));
        }
        say("reference: %,d prepared records (%,d train of %s) in %.0f s", expected.records(), expected.trainRecords(),
                DATASET, (System.nanoTime() - referenceStarted) / 1e9);
        if (writesArchive && archive.get().keep()) {
            say("class-data archive for the workers written by the reference worker: %s", archive.get().file());
        }
        boolean sharing = archive.isPresent() && archive.get().present();
        List<String> workerOptions = sharing ? archive.get().useOptions() : List.of();

        // The same input, paced, through workers and a trainer under faults.
        InputReplay.of(client, Map.of(reference.datasets(), live.datasets())).copyNow();
        InputReplay input = InputReplay.of(client, Map.of(reference.rawImages(), live.rawImages(),
                reference.rawText(), live.rawText()));
        ChaosSchedule schedule = ChaosSchedule.draw(settings.plan(), settings.seed());
        double phase = settings.plan().phaseSeconds();
        Map<String, Integer> done = new LinkedHashMap<>();
        String groupId = live.name(APPLICATION);
        Path trainerRuns = dir.resolve("runs");
        Delivery delivered;
        Checkpoint.State trained;
        List<String> unexpected = new ArrayList<>();
        double longestStall;
        double partitionStall;
        List<Map<String, Object>> partitionStalls;
        double startup;
        List<Map<String, Object>> stalls;
        FaultGate gate;
        try (Fleet workers = track(new Fleet("worker", MAX_WORKERS, dir.resolve("logs"), slot -> worker(bootstrap, live, spec,
                        dir.resolve("state").resolve("worker-" + slot), slot, settings.membership(), workerOptions)));
                Fleet trainer = track(new Fleet("trainer", 1, dir.resolve("logs"), slot -> trainer(bootstrap, live, trainerRuns, 600)));
                StallMonitor monitor = new StallMonitor(client, groupId, List.of(live.rawImages(), live.rawText()))) {
            say("fault phase: %.0f s; %d workers (%s membership), 1 trainer, input paced over %.0f s", phase, 3,
                    settings.membership().label(), phase * 0.8);
            for (int slot = 0; slot < 3; slot++) {
                workers.start(slot);
            }
            trainer.start(0);
            long phaseStart = System.nanoTime();
            input.start(Duration.ofMillis((long) (phase * 800)));
            gate = new FaultGate(monitor::progressedSince, FAULT_WAIT_LIMIT);
            Thread faults = TimelinePlayer.start("chaos-faults", schedule.workerTimeline(), phaseStart, gate,
                    event -> workerFault(event, cluster, workers, monitor, new Random(settings.seed() + 1), done), this::say);
            Thread trainerFaults = TimelinePlayer.start("chaos-trainer-faults", schedule.trainerTimeline(), phaseStart, null, event -> {
                long pid = trainer.kill(0);
                trainer.start(0);
                done.merge("trainer_kills", 1, Integer::sum);
                say("%s (pid %d); restarted", event, pid);
            }, this::say);
            while (faults.isAlive() || trainerFaults.isAlive()) {
                watch(workers, trainer, monitor, input, phaseStart);
                faults.join(5_000);
            }
            if (!input.await(Duration.ofMinutes(5))) {
                throw new IllegalStateException("the input was not all sent within 5 minutes of the fault phase's end");
            }
            say("faults done; input sent (%,d records, %d failed sends); waiting for the workers to catch up", input.sent(),
                    input.failed());
            long drainStart = System.nanoTime();
            while (monitor.lag() != 0 || monitor.committed() < input.size()) {
                watch(workers, trainer, monitor, input, phaseStart);
                if (System.nanoTime() - drainStart > TimeUnit.MINUTES.toNanos(5)) {
                    throw new IllegalStateException("the workers did not catch up within 5 minutes: " + monitor.lag()
                            + " input records still waiting; see the worker logs in " + dir.resolve("logs"));
                }
                Thread.sleep(1000);
            }
            partitionStall = monitor.longestPartitionStall();
            longestStall = monitor.longest();
            startup = monitor.startup();
            stalls = monitor.report();
            partitionStalls = monitor.partitionReport();
            say("verifying: reading every prepared topic read_committed");
            delivered = Delivery.read(client, live, DATASET, Duration.ofMinutes(2));
            // The trainer: one clean stop, then a last run that takes what is left and stops when the stream is idle.
            trainer.stop(0, Duration.ofSeconds(60));
            Fleet last = track(new Fleet("trainer-final", 1, dir.resolve("logs"), slot -> trainer(bootstrap, live, trainerRuns, 10)));
            last.start(0);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (last.exitStatus(0) < 0 && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            int status = last.exitStatus(0);
            if (status != 0) {
                last.close();
                throw new IllegalStateException("the final trainer run " + (status < 0 ? "did not finish in 10 minutes"
                        : "exited with status " + status) + "; see " + last.log(0));
            }
            Path checkpoint = Checkpoint.resolve(trainerRuns.resolve(TRAINER).resolve("checkpoints"));
            trained = Checkpoint.readState(checkpoint);
            unexpected.addAll(workers.unexpectedExits());
            unexpected.addAll(trainer.unexpectedExits());
            if (input.failed() > 0) {
                unexpected.add(input.failed() + " input records were not accepted by the cluster: " + input.firstFailure());
            }
        } finally {
            input.close();
        }

        Delivery.Verdict verdict = delivered.against(expected);
        long trainerExpected = delivered.trainRecords();
        boolean trainerExact = trained.trainedCount() == trainerExpected
                && trained.trainedFingerprint() == delivered.trainFingerprint();
        boolean stallOk = longestStall <= 15;
        results.put("records_expected", verdict.expected());
        results.put("delivered", verdict.delivered());
        results.put("lost", verdict.lost());
        results.put("duplicated", verdict.duplicated());
        results.put("bytes_mismatched", verdict.bytesMismatched());
        results.put("unexpected", verdict.unexpected());
        results.put("unreadable", verdict.unreadable());
        results.put("worker_kills", done.getOrDefault("worker_kills", 0));
        results.put("broker_bounces", done.getOrDefault("broker_bounces", 0));
        results.put("rescales", done.getOrDefault("rescales", 0));
        results.put("trainer_kills", done.getOrDefault("trainer_kills", 0));
        results.put("fault_waits", gate.waits());
        results.put("fault_wait_s", Math.round(gate.waitedSeconds() * 10) / 10.0);
        results.put("fault_waits_timed_out", gate.timedOut());
        results.put("trainer_records_expected", trainerExpected);
        results.put("trainer_records_trained", trained.trainedCount());
        results.put("trainer_duplicates", Math.max(0, trained.trainedCount() - trainerExpected));
        results.put("trainer_missed", Math.max(0, trainerExpected - trained.trainedCount()));
        results.put("trainer_fingerprint_matches", trained.trainedFingerprint() == delivered.trainFingerprint());
        results.put("longest_stall_s", Math.round(longestStall * 10) / 10.0);
        results.put("longest_partition_stall_s", Math.round(partitionStall * 10) / 10.0);
        results.put("stalls", stalls);
        results.put("partition_stalls", partitionStalls);
        results.put("workers_first_commit_s", Math.round(startup * 10) / 10.0);
        results.put("workers_class_data_sharing", sharing);
        results.put("unexpected_exits", unexpected);
        results.put("examples", verdict.examples());
        results.put("membership", settings.membership().label());
        results.put("wall_s", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        boolean pass = verdict.allDelivered() && trainerExact && unexpected.isEmpty();
        results.put("verdict", pass ? (stallOk ? ALL_DELIVERED : ALL_DELIVERED + " (stall over 15 s)") : "FAILED");
        return results;
    }

    private void workerFault(ChaosSchedule.Event event, KafkaCluster cluster, Fleet workers, StallMonitor monitor,
            Random random, Map<String, Integer> done) throws Exception {
        monitor.fault(event.toString());
        switch (event.kind()) {
            case WORKER_KILL -> {
                List<Integer> running = workers.running();
                if (running.isEmpty()) {
                    return;
                }
                int slot = running.get(random.nextInt(running.size()));
                long pid = workers.kill(slot);
                workers.start(slot);
                done.merge("worker_kills", 1, Integer::sum);
                say("kill -9 worker %d (pid %d); replacement started", slot, pid);
            }
            case BROKER_BOUNCE -> {
                long pid = cluster.pid(event.target());
                cluster.kill(event.target());
                say("kill -9 broker %d (pid %d)", event.target(), pid);
                Thread.sleep(5_000);
                long t0 = System.nanoTime();
                cluster.restart(event.target());
                done.merge("broker_bounces", 1, Integer::sum);
                say("broker %d back (rejoined in %.1f s)", event.target(), (System.nanoTime() - t0) / 1e9);
            }
            case RESCALE -> {
                List<Integer> running = workers.running();
                for (int i = running.size() - 1; i >= 0 && workers.running().size() > event.target(); i--) {
                    workers.stop(running.get(i), Duration.ofSeconds(60));
                }
                for (int slot = 0; slot < MAX_WORKERS && workers.running().size() < event.target(); slot++) {
                    if (!workers.running().contains(slot)) {
                        workers.start(slot);
                    }
                }
                done.merge("rescales", 1, Integer::sum);
                say("rescaled %d → %d workers", running.size(), event.target());
            }
            default -> throw new IllegalArgumentException("not a worker-timeline fault: " + event);
        }
    }

    /** Restarts anything that exited on its own (counting it: no fault may stop a process), and prints a status line now and then. */
    private long lastStatus;

    private void watch(Fleet workers, Fleet trainer, StallMonitor monitor, InputReplay input, long phaseStart)
            throws IOException {
        for (Fleet fleet : List.of(workers, trainer)) {
            for (int slot : fleet.exited()) {
                int status = fleet.exitStatus(slot);
                fleet.noteUnexpectedExit(slot, "exited with status " + status);
                say("UNEXPECTED: %s exited with status %d (log: %s); restarting it", fleet == workers ? "worker " + slot
                        : "the trainer", status, fleet.log(slot));
                fleet.start(slot);
            }
        }
        long now = System.nanoTime();
        if (now - lastStatus > 15_000_000_000L) {
            lastStatus = now;
            say("t+%.0f s: input sent %,d of %,d; workers %s; processed %,d, waiting %,d; longest stall %.1f s",
                    (now - phaseStart) / 1e9, input.sent(), input.size(), workers.running(), monitor.committed(),
                    monitor.lag(), monitor.longest());
        }
    }

    /** Waits until the worker group has committed every input record. */
    private void awaitCaughtUp(Properties client, Topics topics, Fleet fleet, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(client)) {
            while (ConsumerLag.of(admin, topics.name(APPLICATION), List.of(topics.rawImages(), topics.rawText())) > 0) {
                if (!fleet.exited().isEmpty()) {
                    throw new IllegalStateException("the reference worker exited; see " + fleet.log(0));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the reference worker did not finish within " + timeout.toMinutes()
                            + " minutes; see " + fleet.log(0));
                }
                Thread.sleep(500);
            }
        }
    }

    /** Produces the bundled Fashion-MNIST, replayed to about {@code records} raw records, and the bundled text. */
    private long[] produce(String bootstrap, Topics topics, Path dir) throws IOException {
        FashionMnist.Source source = FashionMnist.load(null, true, 0);
        int epochs = epochsFor(source, settings.records());
        say("producing %s, %d epoch(s) of its train split, and the bundled SpamAssassin subset", source.description(), epochs);
        Path text = dir.resolve("spam-assassin-subset.jsonl");
        try (InputStream in = new GZIPInputStream(ChaosRun.class.getResourceAsStream(
                "/io/streamaug/datasets/spam-assassin-subset.jsonl.gz"))) {
            Files.copy(in, text, StandardCopyOption.REPLACE_EXISTING);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaOptions.of(bootstrap, topics).producerProperties())) {
            ProduceSummary images = new ImageProducer(producer, topics)
                    .produce(source, new ImageProducer.Plan(DATASET, 0.1, settings.seed(), epochs));
            ProduceSummary texts = new TextProducer(producer, topics).produce(TextCorpus.jsonl(text), List.of("ham", "spam"),
                    new TextProducer.Plan(TEXT_DATASET, 0.1, 0.2, settings.seed(), 1));
            return new long[] {images.total(), texts.total()};
        }
    }

    /**
     * How many replays of {@code source}'s train split (val 10 %, sent once with the test split) make
     * about {@code records} raw records: the input size of chaos and of the soak.
     */
    public static int epochsFor(FashionMnist.Source source, int records) {
        int trainImages = source.train().count();
        int valImages = (int) Math.round(trainImages * 0.1);
        int fixed = valImages + source.test().count();
        return Math.max(1, (int) Math.ceil((records - fixed) / (double) (trainImages - valImages)));
    }

    /** The bundled fashion-mnist spec with mixing switched on: the partner buffer is state, restored after a crash. */
    static Path mixingSpec(Path dir) throws IOException {
        String yaml;
        try (InputStream in = ChaosRun.class.getResourceAsStream("/specs/fashion-mnist.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String mixed = yaml.replaceFirst("(?m)^(mix:(?:\\n  .*)*?\\n  p:) 0\\.0$", "$1 0.5");
        if (mixed.equals(yaml)) {
            throw new IllegalStateException("the bundled fashion-mnist spec has no 'mix: p: 0.0' to switch on");
        }
        Path spec = dir.resolve("fashion-mnist-mixing.yaml");
        Files.writeString(spec, mixed);
        return spec;
    }

    private static ChildJvm worker(String bootstrap, Topics topics, Path spec, Path state, int slot, Membership membership,
            List<String> jvmOptions) {
        ChildJvm jvm = ChildJvm.main(StreamaugCli.class).heap("512m").jvmOptions("-XX:+UseSerialGC")
                .jvmOptions(jvmOptions.toArray(String[]::new)).args("augment",
                "--bootstrap", bootstrap, "--wait-for-broker", "2m", "--topic-prefix", topics.prefix(), "--application-id", APPLICATION,
                "--spec", spec.toString(), "--mean", String.valueOf(FashionMnist.MEAN), "--std", String.valueOf(FashionMnist.STD),
                "--text-spec", "eda", "--progress-every", "10", "--state-dir", state.toString());
        switch (membership) {
            case STATIC -> jvm.args("--instance-id", "chaos-worker-" + slot);
            case STREAMS -> jvm.args("--kafka", "group.protocol=streams");
            case DYNAMIC -> { }
        }
        return jvm;
    }

    private static ChildJvm trainer(String bootstrap, Topics topics, Path runs, int idleSeconds) {
        return ChildJvm.main(StreamaugCli.class).heap("768m").jvmOptions("-XX:+UseSerialGC").args("train",
                "--bootstrap", bootstrap, "--wait-for-broker", "2m", "--topic-prefix", topics.prefix(), "--name", TRAINER, "--runs", runs.toString(),
                "--quiet", "--idle-timeout", String.valueOf(idleSeconds), "--dataset", DATASET, "--hidden", "64",
                "--batch-size", "32", "--eval-every", "0", "--checkpoint-every", "20", "--seed", "7");
    }

    private void say(String format, Object... args) {
        synchronized (out) {
            out.printf("[%6.1f s] %s%n", (System.nanoTime() - started) / 1e9, String.format(format, args));
        }
    }
}
