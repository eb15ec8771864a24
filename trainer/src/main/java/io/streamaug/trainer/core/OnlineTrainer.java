package io.streamaug.trainer.core;

import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.eval.Evaluator;
import io.streamaug.trainer.report.Curves;
import io.streamaug.trainer.report.MetricsLog;
import io.streamaug.trainer.source.Buffered;
import io.streamaug.trainer.source.ShuffleBuffer;
import io.streamaug.core.DatasetStats;
import io.streamaug.core.DeadLetters;
import io.streamaug.core.Topics;
import io.streamaug.core.cli.Progress;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.MalformedRecordException;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.model.LrSchedule;
import io.streamaug.trainer.model.Models;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One trainer: reads the augmented train topic (read committed) from its checkpoint's offsets,
 * shuffles, trains in minibatches, evaluates on the val topic every {@code eval_every} steps with
 * early stopping, checkpoints every {@code checkpoint_every} steps and at the end, and logs metrics.
 *
 * <p>Exactly-once training: a checkpoint stores the offset after the last record read from each
 * partition together with the records still waiting in the shuffle buffer and the buffer's
 * generator state, so a resumed run trains every record once — none twice, none skipped — and,
 * with one partition and no dropout, reaches the same parameters as a run that was never stopped.
 */
public final class OnlineTrainer {
    /** Keys a resumed run may change: they steer the run, not the model or its recipe. */
    private static final Set<String> RUN_CONTROL_KEYS = Set.of("eval_every", "patience", "monitor", "checkpoint_every",
            "max_steps", "max_samples", "idle_timeout", "log_every");

    /** What a run did. */
    public record Result(long steps, long samples, long deadLetters, long otherDatasets, double seconds,
            double dataWaitFraction, double initialLoss, double firstLoss, double lastLoss,
            Evaluator.Evaluation finalVal, Double bestMetric, long bestStep, boolean stoppedEarly, Path checkpoint,
            Path metrics, Path curves, long trainedCount, long trainedFingerprint) {
    }

    private final Properties clientProperties;
    private final Topics topics;
    private final TrainConfig config;
    private final Path runDir;
    private final List<String> classNames;
    private final DatasetStats stats;
    private final Consumer<String> log;
    private boolean live;
    private volatile boolean stopRequested;

    private MultiLayerNetwork net;
    private Featuriser features;
    private BatchBuilder batches;
    private Evaluator evaluator;
    private LrSchedule schedule;
    private ShuffleBuffer<Buffered> buffer;
    private final Map<Integer, Long> next = new TreeMap<>();
    private long statsVersion = -1;
    private boolean statsMismatchLogged;
    private long step;
    private long samples;
    private long deadLetters;
    private long otherDatasets;
    private long trainedCount;
    private long trainedFingerprint;
    private Double bestMetric;
    private long bestStep = -1;
    private int evalsWithoutImprovement;
    private INDArray bestParams;
    private boolean stoppedEarly;
    private double initialLoss = Double.NaN;
    private double firstLoss = Double.NaN;
    private double lastLoss = Double.NaN;
    private double windowLoss;
    private int windowSteps;
    private Evaluator.Evaluation lastVal;
    private Evaluator.Evaluation bestVal;
    private long lastEvalStep = -1;
    private long waitNanos;
    private long firstRecordAt;
    private long lastRecordAt;
    private long windowStart;
    private long windowSamples;
    private Path lastCheckpoint;
    /** Samples out of the shuffle buffer, waiting for the minibatch to fill. */
    private List<Buffered> batch = new ArrayList<>();
    private MetricsLog metrics;
    private ProgressBar bar;

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
    }

    /** Shows a live progress line on the console (off by default, for embedding and tests). */
    public OnlineTrainer live(boolean on) {
        this.live = on;
        return this;
    }

    /** Asks a running {@link #run()} to finish its current step, checkpoint and return. */
    public void stop() {
        stopRequested = true;
    }

    /** The network being trained ({@code null} before the first record). */
    public MultiLayerNetwork network() {
        return net;
    }

    public Featuriser features() {
        return features;
    }

    public Path checkpointDir() {
        return runDir.resolve("checkpoints");
    }

    public Result run() {
        long started = System.nanoTime();
        buffer = new ShuffleBuffer<>(config.shuffleBuffer(), config.seed());
        schedule = Models.schedule(config);
        boolean resumed = resume();
        metrics = new MetricsLog(runDir.resolve("metrics.jsonl"), resumed ? step : -1);
        batch = new ArrayList<>(config.batchSize());
        boolean idleEnd = false;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
                KafkaProducer<byte[], byte[]> dlq = new KafkaProducer<>(dlqProperties())) {
            seek(consumer, resumed);
            if (live) {
                bar = Progress.bar("train " + config.name(), config.maxSteps(), "steps");
                bar.stepTo(step);
            }
            windowStart = System.nanoTime();
            boolean more = !limitsReached();
            while (more && !stopRequested) {
                long pollStart = System.nanoTime();
                var records = consumer.poll(Duration.ofMillis(200));
                if (firstRecordAt != 0) {
                    waitNanos += System.nanoTime() - pollStart;
                }
                if (records.isEmpty() && firstRecordAt != 0 && config.idleTimeout() > 0
                        && System.nanoTime() - lastRecordAt > Duration.ofSeconds(config.idleTimeout()).toNanos()) {
                    idleEnd = true;
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    lastRecordAt = System.nanoTime();
                    if (firstRecordAt == 0) {
                        firstRecordAt = lastRecordAt;
                    }
                    next.put(record.partition(), record.offset() + 1);
                    Buffered item = usable(record, dlq);
                    if (item == null) {
                        continue;
                    }
                    Buffered out = buffer.offer(item);
                    if (out != null) {
                        more = add(out);
                    }
                    if (!more || stopRequested) {
                        break;
                    }
                    if (config.maxSamples() > 0 && samples + batch.size() + buffer.size() >= config.maxSamples()) {
                        more = false;
                        break;
                    }
                }
            }
            if (idleEnd) {
                waitNanos -= Math.min(waitNanos, System.nanoTime() - lastRecordAt); // the idle tail is not waiting for data
            }
            boolean finishing = !stopRequested && !stoppedEarly && !(config.maxSteps() > 0 && step >= config.maxSteps());
            if (finishing) {
                // The stream ended (idle) or the sample budget is met: train on what the buffer holds.
                for (Buffered out = buffer.poll(); out != null && !stoppedEarly; out = buffer.poll()) {
                    add(out);
                }
                if (!batch.isEmpty() && !stoppedEarly) {
                    fit();
                }
            }
            if (net != null) {
                if (!stopRequested && lastEvalStep != step) {
                    evaluate();
                }
                if (bestParams != null && config.patience() > 0 && !stopRequested && bestStep != step) {
                    net.setParams(bestParams);
                    lastVal = bestVal;
                    log.accept(String.format("trainer %s: restored the best model (step %d, val %s %.4f)", config.name(),
                            bestStep, config.monitor(), bestMetric));
                }
                checkpoint(consumer);
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
            metrics.close();
        }
        Path curves = runDir.resolve("curves.png");
        boolean plotted = Curves.write(metrics.file(), curves);
        double active = firstRecordAt == 0 ? 0 : (idleEnd ? lastRecordAt : System.nanoTime()) - firstRecordAt;
        return new Result(step, samples, deadLetters, otherDatasets, (System.nanoTime() - started) / 1e9,
                active <= 0 ? 0 : Math.min(1, waitNanos / active), initialLoss, firstLoss, lastLoss, lastVal, bestMetric,
                bestStep, stoppedEarly, lastCheckpoint, metrics.file(), plotted ? curves : null, trainedCount,
                trainedFingerprint);
    }

    /** Restores the latest checkpoint under the run directory, if any; returns whether it did. */
    private boolean resume() {
        Path dir = Checkpoint.resolve(checkpointDir());
        if (dir == null) {
            return false;
        }
        Checkpoint.Loaded loaded = Checkpoint.load(dir);
        Checkpoint.State state = loaded.state();
        requireCompatible(dir, state.trainConfig());
        if (!state.classes().equals(classNames)) {
            throw new UsageException("checkpoint " + dir + " learned classes " + state.classes() + "; the dataset now has "
                    + classNames + "; train under another --name");
        }
        net = loaded.net();
        features = state.features();
        init();
        step = state.step();
        samples = state.samples();
        next.putAll(state.offsets());
        statsVersion = state.statsVersion();
        bestMetric = state.bestMetric();
        bestStep = state.bestStep();
        evalsWithoutImprovement = state.evalsWithoutImprovement();
        bestParams = loaded.bestParams();
        trainedCount = state.trainedCount();
        trainedFingerprint = state.trainedFingerprint();
        deadLetters = state.deadLetters();
        buffer.restore(loaded.buffer(), Base64.getDecoder().decode(state.shuffleRandomState()));
        log.accept(String.format("trainer %s: resuming from %s (step %d, %d samples, %d buffered, offsets %s)",
                config.name(), dir, step, samples, loaded.buffer().size(), next));
        return true;
    }

    private void requireCompatible(Path dir, TrainConfig saved) {
        Map<String, Object> before = saved.toMap();
        Map<String, Object> now = config.toMap();
        List<String> changed = new ArrayList<>();
        for (String key : now.keySet()) {
            if (!RUN_CONTROL_KEYS.contains(key) && !String.valueOf(before.get(key)).equals(String.valueOf(now.get(key)))) {
                changed.add(key + " " + before.get(key) + " → " + now.get(key));
            }
        }
        if (!changed.isEmpty()) {
            throw new UsageException("checkpoint " + dir + " was trained with another model or recipe (" + String.join(", ", changed)
                    + "); resume with the same settings, or start a new run under another --name");
        }
    }

    private void init() {
        batches = new BatchBuilder(features, classNames.size(), config.labelSmoothing());
        evaluator = new Evaluator(clientProperties, config.dataset(), features, classNames.size(), Duration.ofMinutes(10));
    }

    private void seek(KafkaConsumer<byte[], byte[]> consumer, boolean resumed) {
        String topic = topics.augmentedTrain();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new UsageException("topic " + topic + " does not exist; create it with ./streamaug topics");
        }
        consumer.assign(partitions);
        for (TopicPartition tp : partitions) {
            Long offset = next.get(tp.partition());
            if (offset != null) {
                consumer.seek(tp, offset);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        if (!resumed) {
            log.accept("trainer " + config.name() + ": no checkpoint in " + checkpointDir() + "; starting a new model from the start of "
                    + topic);
        }
    }

    /** Decodes and checks a record; a record the model cannot use goes to the dead-letter topic. */
    private Buffered usable(ConsumerRecord<byte[], byte[]> record, KafkaProducer<byte[], byte[]> dlq) {
        try {
            PreparedSample sample = PreparedCodec.decode(record.value());
            if (!config.dataset().equals(sample.dataset())) {
                otherDatasets++;
                return null; // another trainer's data: not an error
            }
            if (statsVersion >= 0 && sample.statsVersion() != statsVersion) {
                String message = "sample " + sample.id() + " was normalised with stats version " + sample.statsVersion()
                        + ", but this model trains on version " + statsVersion
                        + " (its checkpoint's); restart the workers on that version, or train a new model under another --name";
                if (!statsMismatchLogged) {
                    log.accept("trainer " + config.name() + ": refusing records: " + message);
                    statsMismatchLogged = true;
                }
                throw new IllegalStateException(message);
            }
            if (net == null) {
                features = Featuriser.forModel(config.model(), config.textFeatures(), sample);
                net = Models.build(config, features, classNames.size());
                init();
                log.accept(String.format("trainer %s: %s model (%s norm%s) over %s, %d parameters, %s", config.name(),
                        config.model(), config.effectiveNorm(), "auto".equals(config.norm()) ? " chosen by auto" : "",
                        features.describe(), net.numParams(), recipe()));
            }
            batches.check(sample);
            if (statsVersion < 0) {
                statsVersion = sample.statsVersion();
            }
            return new Buffered(record.partition(), record.offset(), record.value(), sample);
        } catch (MalformedRecordException | IllegalArgumentException | IllegalStateException e) {
            dlq.send(DeadLetters.of(topics, "trainer:" + config.name(), record, e));
            deadLetters++;
            return null;
        }
    }

    private String recipe() {
        return String.format("%s lr %g%s, weight decay %g, l1 %g, dropout %.2f, label smoothing %.2f, minibatch %d",
                config.optimizer(), config.lr(), "none".equals(config.schedule()) ? "" : " (" + config.schedule()
                        + (config.warmupSteps() > 0 ? ", warm-up " + config.warmupSteps() : "") + ")",
                config.weightDecay(), config.l1(), config.dropout(), config.labelSmoothing(), config.batchSize());
    }

    /** Adds a sample to the batch and trains when it is full; returns false when training must stop. */
    private boolean add(Buffered item) {
        batch.add(item);
        if (batch.size() < config.batchSize()) {
            return true;
        }
        fit();
        if (config.evalEvery() > 0 && step % config.evalEvery() == 0) {
            evaluate();
        }
        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 && !stoppedEarly) {
            checkpoint(null);
        }
        return !stoppedEarly && !limitsReached();
    }

    private boolean limitsReached() {
        return (config.maxSteps() > 0 && step >= config.maxSteps())
                || (config.maxSamples() > 0 && samples >= config.maxSamples());
    }

    /** One step on the full (or, at the end, last partial) minibatch, which it then empties. */
    private void fit() {
        List<PreparedSample> samplesOf = new ArrayList<>(batch.size());
        for (Buffered b : batch) {
            samplesOf.add(b.sample());
        }
        DataSet data = batches.build(samplesOf);
        try {
            Double trainAcc = null;
            if (step == 0 && Double.isNaN(initialLoss)) {
                checkInitialLoss(data);
            }
            if (step % config.logEvery() == 0) {
                try (INDArray output = net.output(data.getFeatures(), false); INDArray predicted = output.argMax(1)) {
                    int[] classOf = predicted.toIntVector();
                    int correct = 0;
                    for (int i = 0; i < classOf.length; i++) {
                        if (classOf[i] == BatchBuilder.trueClass(samplesOf.get(i).label())) {
                            correct++;
                        }
                    }
                    trainAcc = (double) correct / classOf.length;
                }
            }
            double lr = schedule.at(net.getIterationCount());
            net.fit(data);
            double loss = net.score();
            step++;
            samples += batch.size();
            for (Buffered b : batch) {
                trainedCount++;
                trainedFingerprint += b.fingerprint();
            }
            if (Double.isNaN(firstLoss)) {
                firstLoss = loss;
            }
            lastLoss = loss;
            recordStep(loss, lr, trainAcc, batch.size(), samplesOf.get(samplesOf.size() - 1).epoch());
        } finally {
            data.getFeatures().close();
            data.getLabels().close();
            batch.clear();
        }
    }

    /** The lecture's first sanity check: at initialisation the loss should be near ln(C). */
    private void checkInitialLoss(DataSet data) {
        try (INDArray output = net.output(data.getFeatures(), false)) {
            initialLoss = BatchBuilder.crossEntropy(output, data.getLabels());
        }
        double expected = Math.log(classNames.size());
        boolean far = initialLoss > 1.5 * expected || initialLoss < 0.5 * expected;
        log.accept(String.format("trainer %s: initial loss %.3f, ln(%d) = %.3f%s", config.name(), initialLoss,
                classNames.size(), expected, far ? ": WARNING far from ln(C): check the initialisation, the labels and the "
                        + "input scale (are the workers normalising?)" : ": as expected"));
    }

    private void recordStep(double loss, double lr, Double trainAcc, int size, int epoch) {
        windowLoss += loss;
        windowSteps++;
        windowSamples += size;
        long now = System.nanoTime();
        double elapsed = (now - windowStart) / 1e9;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "step");
        line.put("step", step);
        line.put("samples", samples);
        line.put("epoch", epoch);
        line.put("loss", loss);
        if (trainAcc != null) {
            line.put("train_acc", trainAcc);
        }
        line.put("lr", lr);
        line.put("data_wait", dataWait());
        if (step % config.logEvery() == 0) {
            double rate = windowSamples / Math.max(elapsed, 1e-9);
            line.put("samples_per_s", rate);
            if (bar != null) {
                bar.stepTo(step);
                bar.setExtraMessage(String.format(" loss %.3f%s lr %.1e %.0f/s wait %.0f%%", windowLoss / windowSteps,
                        lastVal == null ? "" : String.format(" val %.3f", lastVal.accuracy()), lr, rate, 100 * dataWait()));
            }
            windowLoss = 0;
            windowSteps = 0;
            windowSamples = 0;
            windowStart = now;
        }
        metrics.write(line);
    }

    private double dataWait() {
        long active = System.nanoTime() - firstRecordAt;
        return firstRecordAt == 0 || active <= 0 ? 0 : (double) waitNanos / active;
    }

    private void evaluate() {
        if (net == null) {
            return;
        }
        Evaluator.Evaluation val = evaluator.evaluate(topics.preparedVal(), net);
        lastEvalStep = step;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "eval");
        line.put("step", step);
        line.put("samples", samples);
        line.put("val_total", val.total());
        if (val.total() == 0) {
            metrics.write(line);
            log.accept("trainer " + config.name() + ": no " + config.dataset() + " records on " + topics.preparedVal()
                    + " yet; not evaluating");
            return;
        }
        lastVal = val;
        double metric = "loss".equals(config.monitor()) ? val.loss() : val.accuracy();
        boolean better = bestMetric == null || ("loss".equals(config.monitor()) ? metric < bestMetric : metric > bestMetric);
        if (better) {
            bestVal = val;
            bestMetric = metric;
            bestStep = step;
            evalsWithoutImprovement = 0;
            if (config.patience() > 0) {
                if (bestParams != null) {
                    bestParams.close();
                }
                bestParams = net.params().dup();
            }
        } else {
            evalsWithoutImprovement++;
        }
        line.put("val_loss", val.loss());
        line.put("val_acc", val.accuracy());
        line.put("best", better);
        metrics.write(line);
        metrics.flush();
        log.accept(String.format("trainer %s: step %d, val loss %.4f, val accuracy %.4f on %d%s", config.name(), step,
                val.loss(), val.accuracy(), val.total(), better ? " (best)" : " (" + evalsWithoutImprovement
                        + (config.patience() > 0 ? "/" + config.patience() : "") + " without improvement)"));
        if (config.patience() > 0 && evalsWithoutImprovement >= config.patience()) {
            stoppedEarly = true;
            log.accept(String.format("trainer %s: early stopping: val %s has not improved for %d evaluations (best %.4f at step %d)",
                    config.name(), config.monitor(), config.patience(), bestMetric, bestStep));
        }
        Curves.write(metrics.file(), runDir.resolve("curves.png"));
    }

    private void checkpoint(KafkaConsumer<byte[], byte[]> consumer) {
        if (net == null) {
            return;
        }
        metrics.flush();
        Checkpoint.State state = new Checkpoint.State(1, topics.augmentedTrain(), step, samples, next, statsVersion,
                stats != null && stats.version() == statsVersion ? stats.mean() : null,
                stats != null && stats.version() == statsVersion ? stats.std() : null, config.dataset(), classNames,
                features.toMap(), config.toJson(), bestMetric, bestStep, evalsWithoutImprovement,
                Base64.getEncoder().encodeToString(buffer.randomState()), trainedCount, trainedFingerprint, deadLetters);
        List<Buffered> waiting = new ArrayList<>(buffer.contents());
        waiting.addAll(batch); // only when stopped mid-batch: these were read but not trained yet
        lastCheckpoint = Checkpoint.write(checkpointDir(), state, net, waiting, bestParams);
        if (consumer != null) {
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            next.forEach((p, o) -> commit.put(new TopicPartition(topics.augmentedTrain(), p), new OffsetAndMetadata(o)));
            consumer.commitSync(commit); // for lag monitoring; resume reads the checkpoint's offsets
        }
    }

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private Properties dlqProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
