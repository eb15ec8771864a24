package io.streamaug.trainer.cli;

import io.streamaug.core.process.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.Topics;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.OnlineTrainer;
import io.streamaug.trainer.report.MetricsLog;
import io.streamaug.trainer.source.Buffered;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume: a trainer JVM killed with SIGKILL mid-run and started again trains on exactly the
 * offsets produced — none twice, none skipped — continues its learning-rate schedule where it was,
 * and ends with the same parameters as a run that was never interrupted (one partition and no
 * dropout make the run deterministic).
 */
@ExtendWith(KafkaBrokerExtension.class)
class TrainerCrashTest {
    private static final int RECORDS = 6000;
    private static final int BATCH = 4;

    @Test
    void aKilledTrainerResumesFromItsCheckpointTrainsEveryRecordOnceAndContinuesItsSchedule(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics topics = Toy.topics(kafka, "crash", 1);
        List<PreparedSample> samples = Toy.train(RECORDS, 11);
        Toy.produce(kafka, topics.augmentedTrain(), samples);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("dataset", Toy.DATASET);
        settings.put("hidden", "16");
        settings.put("batch_size", String.valueOf(BATCH));
        settings.put("shuffle_buffer", "32");
        settings.put("lr", "1e-2");
        settings.put("dropout", "0");
        settings.put("eval_every", "0");
        settings.put("checkpoint_every", "25");
        settings.put("seed", "7");
        settings.put("schedule", "cosine");
        settings.put("warmup_steps", "50");
        settings.put("total_steps", String.valueOf(RECORDS / BATCH));
        settings.put("min_lr", "1e-4");
        Path runs = dir.resolve("runs");
        Path checkpoints = runs.resolve("crash").resolve("checkpoints");

        Process first = child(kafka, topics, settings, runs, 60, dir.resolve("first.log"));
        long killedAfter;
        try {
            awaitCheckpoint(first, checkpoints, 100);
        } finally {
            ChildJvm.kill(first); // SIGKILL: no shutdown hook, no final checkpoint
        }
        killedAfter = latestStep(checkpoints);
        assertThat(killedAfter).as("killed mid-run, long before the last of %d steps", RECORDS / BATCH)
                .isLessThan(RECORDS / BATCH / 2);

        Process second = child(kafka, topics, settings, runs, 3, dir.resolve("second.log"));
        assertThat(second.waitFor(3, TimeUnit.MINUTES)).as("the resumed trainer finishes").isTrue();
        assertThat(second.exitValue()).as(java.nio.file.Files.readString(dir.resolve("second.log"))).isZero();
        assertThat(java.nio.file.Files.readString(dir.resolve("second.log"))).contains("resuming from")
                .as("the resumed run's summary counts its own samples, and its rate over them")
                .contains("samples: " + RECORDS + "\n").contains("samples_this_run: " + (RECORDS - killedAfter * BATCH) + "\n");

        Checkpoint.Loaded resumed = Checkpoint.load(Checkpoint.resolve(checkpoints));
        Checkpoint.State state = resumed.state();
        long expectedFingerprint = 0;
        for (long offset = 0; offset < RECORDS; offset++) {
            expectedFingerprint += new Buffered(0, offset, new byte[0], null).fingerprint();
        }
        assertThat(state.trainedCount()).isEqualTo(RECORDS);
        assertThat(state.trainedFingerprint()).as("every offset trained once: none twice, none skipped").isEqualTo(expectedFingerprint);
        assertThat(state.step()).isEqualTo(RECORDS / BATCH);
        assertThat(state.offsets()).containsEntry(0, (long) RECORDS);
        assertThat(resumed.buffer()).isEmpty();
        Map<Long, Double> rates = rates(runs.resolve("crash"));
        assertThat(rates.keySet()).containsExactlyElementsOf(LongStream.rangeClosed(1, RECORDS / BATCH).boxed().toList());

        // The same settings, never interrupted, in this JVM: bit-identical parameters.
        settings.put("name", "reference");
        settings.put("idle_timeout", "3");
        OnlineTrainer reference = new OnlineTrainer(kafka.clientProperties(), topics, TrainConfig.load(null, settings),
                runs.resolve("reference"), Toy.CLASSES, null, line -> { });
        OnlineTrainer.Result result = reference.run();
        assertThat(result.trainedFingerprint()).isEqualTo(expectedFingerprint);
        Map<Long, Double> uninterrupted = rates(runs.resolve("reference"));
        assertThat(rates.get(killedAfter + 1)).as("the rate of the first step after the resume")
                .isEqualTo(uninterrupted.get(killedAfter + 1)).isLessThan(1e-2).isGreaterThan(1e-4);
        assertThat(rates).as("the rate the updater used at each step, killed at step %d and resumed = never interrupted",
                killedAfter).isEqualTo(uninterrupted);
        assertThat(rates.get((long) RECORDS / BATCH)).as("decayed to min_lr").isCloseTo(1e-4, within(1e-6));
        assertThat(resumed.net().params().data().asFloat())
                .as("killed at step %d and resumed = never interrupted", killedAfter)
                .containsExactly(reference.network().params().data().asFloat());

        // Started again on a finished run, with nothing left to read: it stops at its idle timeout and trains nothing.
        OnlineTrainer.Result again = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> new OnlineTrainer(kafka.clientProperties(), topics, TrainConfig.load(null, settings),
                        runs.resolve("reference"), Toy.CLASSES, null, line -> { }).run());
        assertThat(again.samplesThisRun()).isZero();
        assertThat(again.trainedCount()).isEqualTo(RECORDS);
    }

    @Test
    void ctrlCStopsATrainerAtOnceWithAFinalCheckpointAndItsSummary(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics topics = Toy.topics(kafka, "sigterm", 1);
        Toy.produce(kafka, topics.augmentedTrain(), Toy.train(RECORDS, 12));
        Map<String, String> settings = new LinkedHashMap<>(Map.of("dataset", Toy.DATASET, "hidden", "16",
                "batch_size", String.valueOf(BATCH), "eval_every", "0", "checkpoint_every", "25"));
        Path runs = dir.resolve("runs");
        Path checkpoints = runs.resolve("crash").resolve("checkpoints");
        Path log = dir.resolve("stopped.log");
        String out = stopWithSigterm(child(kafka, topics, settings, runs, 600, log), checkpoints, 50, log);
        assertThat(latestStep(checkpoints)).as("the final checkpoint is at the last step trained")
                .isEqualTo(number(out, "(?m)^steps: (\\d+)$"));
    }

    @Test
    void ctrlCStopsASweepsRunningTrainerWithACheckpointStartsNoMoreAndPrintsTheTable(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        Topics topics = Toy.topics(kafka, "sweepstop", 1);
        Toy.produce(kafka, topics.augmentedTrain(), Toy.train(RECORDS, 13));
        Path runs = dir.resolve("runs");
        Path checkpoints = runs.resolve("sweep-1").resolve("checkpoints");
        Path log = dir.resolve("sweep.log");
        Process sweep = ChildJvm.main(SweepMain.class).heap("512m").args("--bootstrap",
                kafka.bootstrapServers(), "--topic-prefix", topics.prefix(), "--dataset", Toy.DATASET, "--hidden", "16",
                "--batch-size", String.valueOf(BATCH), "--runs", runs.toString(), "--idle-timeout", "600", "--parallel", "1",
                "--set", "checkpoint_every=25", "--set", "eval_every=0", "--grid", "lr=1e-2,1e-3")
                .logTo(log).start();
        String out = stopWithSigterm(sweep, checkpoints, 50, log);
        assertThat(latestStep(checkpoints)).as("the running trainer checkpointed its last step")
                .isEqualTo(number(out, "(?m)^sweep-1\\s+1e-2\\s+(\\d+)\\s"));
        assertThat(out).containsPattern("(?m)^sweep-2\\s+1e-3\\s+not started");
        assertThat(runs.resolve("sweep-2")).as("the queued trainer never started").doesNotExist();
    }

    /** The learning rate of each step, from a run's metrics. */
    private static Map<Long, Double> rates(Path run) throws Exception {
        Map<Long, Double> rates = new LinkedHashMap<>();
        for (JsonNode line : MetricsLog.read(run.resolve("metrics.jsonl"))) {
            if ("step".equals(line.path("type").asText())) {
                rates.put(line.path("step").asLong(), line.path("lr").asDouble());
            }
        }
        return rates;
    }

    /** Sends SIGTERM (as Ctrl-C or a container stop does) once the child has checkpointed step ≥ {@code step}. */
    private static String stopWithSigterm(Process child, Path checkpoints, long step, Path log) throws Exception {
        try {
            awaitCheckpoint(child, checkpoints, step);
            child.destroy();
            assertThat(child.waitFor(30, TimeUnit.SECONDS))
                    .as("stopped within 30 s, not held up by its own shutdown hook").isTrue();
        } finally {
            child.destroyForcibly();
        }
        return java.nio.file.Files.readString(log);
    }

    /** The number in group 1 of the first match of {@code regex} in {@code out}. */
    private static long number(String out, String regex) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(regex).matcher(out);
        assertThat(matcher.find()).as(out).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    /** Waits until the child JVM has written a checkpoint at step ≥ {@code step}, while it keeps running. */
    private static void awaitCheckpoint(Process child, Path checkpoints, long step) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (latestStep(checkpoints) < step) {
            assertThat(child.isAlive()).as("the child JVM is still running").isTrue();
            assertThat(System.nanoTime()).as("a checkpoint at step ≥ %d within 2 minutes", step).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static long latestStep(Path checkpoints) throws Exception {
        List<Path> all = Checkpoint.list(checkpoints);
        return all.isEmpty() ? -1 : Checkpoint.readState(all.get(all.size() - 1)).step();
    }

    private static Process child(TestKafka kafka, Topics topics, Map<String, String> settings, Path runs, int idleSeconds,
            Path log) throws Exception {
        ChildJvm trainer = ChildJvm.main(TrainerMain.class).heap("512m").args(
                "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(), "--name", "crash",
                "--runs", runs.toString(), "--quiet", "--idle-timeout", String.valueOf(idleSeconds));
        settings.forEach((k, v) -> trainer.args("--set", k + "=" + v));
        return trainer.logTo(log).start();
    }
}
