package io.streamaug.trainer.core;

import io.streamaug.core.DatasetStats;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.trainer.checkpoint.Provenance;
import io.streamaug.trainer.checkpoint.Resume;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.eval.Evaluator;
import io.streamaug.trainer.eval.TestTimeViews;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.report.RunLog;
import io.streamaug.trainer.report.RunReport;
import io.streamaug.trainer.source.Audit;
import io.streamaug.trainer.source.Buffered;
import io.streamaug.trainer.source.DeadLetterWriter;
import io.streamaug.trainer.source.RecordSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One trainer: reads the augmented train topic through a {@link RecordSource} from its checkpoint's
 * offsets, trains a {@link Learner} in minibatches, evaluates on the val topic every
 * {@code eval_every} steps under an {@link EarlyStopping} rule, checkpoints every
 * {@code checkpoint_every} steps and at the end, and logs metrics.
 *
 * <p>Exactly-once training: a checkpoint stores the offset after the last record read from each
 * partition together with the records still waiting in the shuffle buffer and the buffer's
 * generator state, so a resumed run trains every record once — none twice, none skipped — and,
 * with one partition and no dropout, reaches the same parameters as a run that was never stopped.
 */
public final class OnlineTrainer {
    /** What a run did. */
    public record Result(long steps, long samples, long deadLetters, long otherDatasets, double seconds,
            double dataWaitFraction, double initialLoss, double firstLoss, double lastLoss,
            Evaluator.Evaluation finalVal, Double bestMetric, long bestStep, boolean stoppedEarly, Path checkpoint,
            Path metrics, Path curves, long trainedCount, long trainedFingerprint, String command, String model,
            String records, String firstRejection, long samplesThisRun) {
    }

    private final Properties clientProperties;
    private final Topics topics;
    private final TrainConfig config;
    private final Path runDir;
    private final List<String> classNames;
    private final DatasetStats stats;
    private final Consumer<String> log;
    private boolean live;
    private String command = "";
    private volatile boolean stopRequested;

    private Learner learner;
    private Validator validator;
    private RecordSource source;
    /** Where validation sends the val records it cannot score, each once per run. */
    private DeadLetterWriter valDeadLetters;
    private RunLog runLog;
    private EarlyStopping early;
    private INDArray resumedBest;
    private Audit audit = new Audit();
    private List<String> resumedSpecs = List.of();
    private long step;
    private long samples;
    private long samplesAtStart; // a resumed run's samples before it started: its rate counts only its own
    private double initialLoss = Double.NaN;
    private Path lastCheckpoint;
    /** Samples out of the shuffle buffer, waiting for the minibatch to fill. */
    private final List<Buffered> batch = new ArrayList<>();

    /**
     * @param classNames the dataset's classes, in index order (their count sizes the output layer)
     * @param stats the training-set statistics the workers normalised with, stored in checkpoints (may be null)
     */
    public OnlineTrainer(Properties clientProperties, Topics topics, TrainConfig config, Path runDir,
            List<String> classNames, DatasetStats stats, Consumer<String> log) {
        if (classNames.size() < 2) {
            throw new UsageException("dataset '" + config.dataset() + "' has " + classNames.size()
                    + " class(es); a classifier needs at least 2");
        }
        this.clientProperties = clientProperties;
        this.topics = topics;
        this.config = config;
        this.runDir = runDir;
        this.classNames = List.copyOf(classNames);
        this.stats = stats;
        this.log = log;
        this.early = new EarlyStopping(config.validation().monitor().lowerIsBetter(), config.validation().patience());
    }

    /** Shows a live progress line on the console (off by default, for embedding and tests). */
    public OnlineTrainer live(boolean on) {
        this.live = on;
        return this;
    }

    /** The command line that started this trainer, for {@code run.json} (e.g. {@code streamaug train --name a}). */
    public OnlineTrainer command(String commandLine) {
        this.command = commandLine;
        return this;
    }

    /** Asks a running {@link #run()} to finish its current step, checkpoint and return. */
    public void stop() {
        stopRequested = true;
    }

    /** The network being trained ({@code null} before the first record). */
    public MultiLayerNetwork network() {
        return learner == null ? null : learner.network();
    }

    public Featuriser features() {
        return learner == null ? null : learner.features();
    }

    public Path checkpointDir() {
        return runDir.resolve("checkpoints");
    }

    public Result run() {
        long started = System.nanoTime();
        source = RecordSource.open(clientProperties, topics, config, log);
        try (RecordSource src = source;
                DeadLetterWriter valLetters = valDeadLetters = DeadLetterWriter.open(clientProperties, topics, "trainer:" + config.name())) {
            boolean resumed = resume();
            runLog = new RunLog(runDir, resumed ? step : -1, config.io().logEvery());
            runLog.trainLossIncludes(trainLossIncludes(config));
            try (RunLog metrics = runLog) {
                src.seek();
                if (!resumed) {
                    log.accept("trainer " + config.name() + ": no checkpoint in " + checkpointDir()
                            + "; starting a new model from the start of " + topics.augmentedTrain());
                }
                if (live) {
                    metrics.live("train " + config.name(), config.io().maxSteps(), config.io().maxSamples(), step, samples);
                    src.onDeadLetter(metrics::rejected);
                }
                metrics.start();
                if (!config.io().limitsReached(step, samples)) {
                    src.read(this::accept, this::add, () -> stopRequested, () -> samples + batch.size());
                }
                finish();
            }
        }
        String model = learner == null ? "(no model: no records)" : learner.describe();
        Result result = new Result(step, samples, source.counts().deadLetters(), source.counts().otherDatasets(),
                (System.nanoTime() - started) / 1e9, source.finalDataWait(), initialLoss, runLog.losses().first(),
                runLog.losses().last(), lastVal(), early.progress().best(), early.progress().bestStep(),
                early.progress().stopped(), lastCheckpoint, runLog.file(), runLog.drawCurves(), audit.count(),
                audit.fingerprint(), command, model, runLog.recordsExplained(), source.firstRejection(),
                samples - samplesAtStart);
        java.util.Map<String, Object> report = new java.util.LinkedHashMap<>();
        report.put("command", command);
        report.put("model", model);
        report.put("records", result.records());
        report.put("steps", step);
        report.put("first_loss", result.firstLoss());
        report.put("first_loss_cross_entropy", initialLoss);
        report.put("ln_classes", Math.log(classNames.size()));
        report.put("last_loss", result.lastLoss());
        report.put("train_loss_includes", trainLossIncludes(config));
        RunReport.write(runDir.resolve("run.json"), report);
        return result;
    }

    /**
     * What the train loss (DL4J's score of a training step) is made of: the cross-entropy against
     * the training targets — smoothed, and soft for mixed samples — plus the L1/L2 penalties, with
     * dropout active; the val loss is none of that.
     */
    public static String trainLossIncludes(TrainConfig config) {
        TrainConfig.Regularisation r = config.regularisation();
        StringBuilder note = new StringBuilder("cross-entropy against the training targets (the stream's soft labels for mixed samples");
        note.append(r.labelSmoothing() > 0 ? String.format(java.util.Locale.ROOT, ", label smoothing %.2f)", r.labelSmoothing()) : ")");
        if (r.weightDecay() > 0) {
            note.append(String.format(java.util.Locale.ROOT, " + %s %g penalty",
                    config.optimiser().kind() == TrainConfig.Optimizer.ADAMW ? "weight decay" : "L2", r.weightDecay()));
        }
        if (r.l1() > 0) {
            note.append(String.format(java.util.Locale.ROOT, " + L1 %g penalty", r.l1()));
        }
        if (r.dropout() > 0) {
            note.append(String.format(java.util.Locale.ROOT, ", dropout %.2f on", r.dropout()));
        }
        return note.toString();
    }

    /** The end of a run: train on what is left when the stream ended, evaluate, restore the best model, checkpoint. */
    private void finish() {
        if (!stopRequested && !early.progress().stopped() && !(config.io().maxSteps() > 0 && step >= config.io().maxSteps())) {
            // The stream ended (idle) or the sample budget is met: train on what the buffer holds.
            source.drain(item -> {
                add(item);
                return !early.progress().stopped();
            });
            if (!batch.isEmpty() && !early.progress().stopped()) {
                fit();
            }
        }
        if (learner == null) {
            return;
        }
        if (!stopRequested) {
            if (!validator.evaluatedAt(step)) {
                validator.evaluate(learner, step, samples, runLog);
            }
            validator.restoreBest(learner, step);
        }
        checkpoint(true);
    }

    /** Restores the latest checkpoint under the run directory, if any; returns whether it did. */
    private boolean resume() {
        Path dir = Checkpoint.resolve(checkpointDir());
        if (dir == null) {
            return false;
        }
        Checkpoint.Loaded loaded = Checkpoint.load(dir);
        Checkpoint.State state = loaded.state();
        Resume.requireCompatible(dir, state, config, classNames);
        early = new EarlyStopping(config.validation().monitor().lowerIsBetter(), config.validation().patience(),
                state.bestMetric(), state.bestStep(), state.evalsWithoutImprovement());
        resumedBest = loaded.bestParams();
        useLearner(Learner.restore(config, classNames.size(), state.features(), loaded.net()), state.statsVersion());
        step = state.step();
        samples = state.samples();
        samplesAtStart = samples;
        audit = new Audit(state.trainedCount(), state.trainedFingerprint(),
                state.provenance() == null ? List.of() : state.provenance().ops());
        resumedSpecs = state.provenance() == null ? List.of() : state.provenance().specs();
        source.restore(loaded.position());
        log.accept(String.format("trainer %s: resuming from %s (step %d, %d samples, %d buffered, offsets %s)",
                config.name(), dir, step, samples, loaded.buffer().size(), state.offsets()));
        return true;
    }

    /** The learner, and a validator that scores only val samples normalised with the train samples' {@code statsVersion}. */
    private void useLearner(Learner learner, long statsVersion) {
        this.learner = learner;
        Evaluator evaluator = new Evaluator(clientProperties, config.dataset(), learner.features(), classNames.size(),
                Duration.ofMinutes(10), TestTimeViews.NONE, statsVersion, valDeadLetters::reject);
        this.validator = new Validator(config, evaluator, topics.preparedVal(), early, resumedBest, log);
    }

    /** The source's check of each record: the first one fixes the model's input. */
    private void accept(PreparedSample sample) {
        if (learner == null) {
            useLearner(Learner.create(config, classNames.size(), sample), sample.statsVersion());
            log.accept("trainer " + config.name() + ": " + learner.describe());
        }
        learner.check(sample);
    }

    /** Adds a sample to the batch and trains when it is full; returns false when training must stop. */
    private boolean add(Buffered item) {
        batch.add(item);
        if (batch.size() < config.optimiser().batchSize()) {
            return true;
        }
        fit();
        if (config.validation().evalEvery() > 0 && step % config.validation().evalEvery() == 0) {
            validator.evaluate(learner, step, samples, runLog);
        }
        if (config.io().checkpointEvery() > 0 && step % config.io().checkpointEvery() == 0 && !early.progress().stopped()) {
            checkpoint(false);
        }
        return !early.progress().stopped() && !config.io().limitsReached(step, samples);
    }

    /** One step on the full (or, at the end, last partial) minibatch, which it then empties. */
    private void fit() {
        List<PreparedSample> samplesOf = batch.stream().map(Buffered::sample).toList();
        try {
            boolean first = step == 0 && Double.isNaN(initialLoss);
            Learner.Step fitted = learner.step(samplesOf, first, step % config.io().logEvery() == 0);
            if (first) {
                initialLoss = fitted.initialLoss();
                log.accept("trainer " + config.name() + ": " + Learner.initialLossCheck(fitted.loss(), initialLoss,
                        classNames.size(), samplesOf.size()));
            }
            step++;
            samples += batch.size();
            samplesOf.forEach(s -> runLog.trained(s.epoch(), s.repeat()));
            batch.forEach(audit::add);
            runLog.step(step, samples, samplesOf.get(samplesOf.size() - 1).epoch(), fitted.loss(), fitted.trainAccuracy(),
                    fitted.lr(), source.dataWait(), batch.size(), lastVal() == null ? null : lastVal().accuracy());
        } finally {
            batch.clear();
        }
    }

    private Evaluator.Evaluation lastVal() {
        return validator == null ? null : validator.last();
    }

    /** The specs of the records read for training, this run's and those of the runs it resumes. */
    private List<String> specs() {
        java.util.SortedSet<String> all = new java.util.TreeSet<>(resumedSpecs);
        all.addAll(source.specs());
        return List.copyOf(all);
    }

    /** Writes a checkpoint (a learner exists by now); the final one also commits the offsets. */
    private void checkpoint(boolean commit) {
        runLog.flush();
        RecordSource.Position at = source.position(batch); // the batch only when stopped mid-batch: read, not trained
        boolean ownStats = stats != null && stats.version() == at.statsVersion();
        String topic = topics.augmentedTrain();
        Checkpoint.State state = new Checkpoint.State(Checkpoint.FORMAT, topic, step, samples, at.offsets(),
                at.statsVersion(), ownStats ? stats.mean() : null, ownStats ? stats.std() : null, config.dataset(),
                classNames, learner.features().toMap(), config.toJson(), early.progress().best(), early.progress().bestStep(), early.progress().sinceBest(),
                Base64.getEncoder().encodeToString(at.randomState()), audit.count(), audit.fingerprint(), at.deadLetters(),
                new Provenance(topic, at.statsVersion(), audit.ops(), specs()));
        lastCheckpoint = Checkpoint.write(checkpointDir(), state, learner.network(), at.buffered(), validator.bestParams());
        if (commit) {
            source.commit().ifPresent(why -> log.accept("trainer " + config.name() + ": the read offsets were not committed to the "
                    + "consumer group (" + why + "); only lag monitoring misses them: the checkpoint holds them, and a restart "
                    + "resumes from it"));
        }
    }
}
