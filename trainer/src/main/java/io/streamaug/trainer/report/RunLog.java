package io.streamaug.trainer.report;

import io.streamaug.core.cli.HumanNumbers;
import io.streamaug.core.cli.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;

/**
 * What a training run reports as it goes: a metrics line per step and per evaluation, a live
 * progress line (when asked for) with the loss and rate averaged since the last log step, and the
 * curves redrawn from the metrics.
 */
public final class RunLog implements AutoCloseable {
    /** The live line's width, as every progress line's. */
    private static final int LIVE_WIDTH = 100;

    private final MetricsLog metrics;
    private final Path curves;
    private final int logEvery;
    private ProgressBar bar;
    private String liveTask = "";
    private long totalSteps;
    private long totalSamples;
    private long liveStart;
    private long liveSamplesAtStart;
    private long liveStepAtStart;
    private double windowLoss;
    private int windowSteps;
    private long windowSamples;
    private long windowStart = System.nanoTime();
    private double firstLoss = Double.NaN;
    private double lastLoss = Double.NaN;
    private final TreeMap<Integer, Long> recordsPerEpoch = new TreeMap<>();
    private int repeats;
    private String trainLossNote = "";
    private long rejected;
    private String lastMessage = "";

    /** @param keepUpToStep on resume, the checkpoint's step (later lines are dropped); else {@code -1} */
    public RunLog(Path runDir, long keepUpToStep, int logEvery) {
        this.metrics = new MetricsLog(runDir.resolve("metrics.jsonl"), keepUpToStep);
        this.curves = runDir.resolve("curves.png");
        this.logEvery = logEvery;
    }

    /**
     * What the train loss is, for the loss plot's legend, e.g. "cross-entropy against the stream's
     * targets (smoothed 0.1) + L2 5e-4, dropout 0.2 on".
     */
    public void trainLossIncludes(String note) {
        this.trainLossNote = note;
    }

    /** Counts one trained record, for {@link #recordsExplained()}. */
    public void trained(int epoch, int repeat) {
        recordsPerEpoch.merge(epoch, 1L, Long::sum);
        repeats = Math.max(repeats, repeat + 1);
    }

    /**
     * Why this run trained as many records as it did: how many passes over the train split (the
     * producer's {@code --epochs} replays, each with its {@code epoch} number) and augmented
     * variants per input (the spec's {@code repeats}) it saw, e.g. "54,000 records: the train split
     * replayed 3 times (epochs 0–2, 18,000 each)".
     */
    public String recordsExplained() {
        long total = recordsPerEpoch.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "no records";
        }
        int passes = recordsPerEpoch.size();
        boolean even = recordsPerEpoch.values().stream().distinct().count() == 1;
        String epochs = passes == 1 ? "epoch " + recordsPerEpoch.firstKey()
                : "epochs " + recordsPerEpoch.firstKey() + "–" + recordsPerEpoch.lastKey();
        String counts = even ? String.format(Locale.ROOT, "%,d each", recordsPerEpoch.firstEntry().getValue())
                : recordsPerEpoch.values().stream().map(c -> String.format(Locale.ROOT, "%,d", c))
                        .reduce((a, b) -> a + ", " + b).orElse("");
        String out = String.format(Locale.ROOT, "%,d records: %s (%s, %s)", total,
                passes == 1 ? "one pass over the train split" : "the train split replayed " + passes + " times",
                epochs, counts);
        if (repeats > 1) {
            out += String.format(Locale.ROOT, "; each input in %d augmented variants (the spec's repeats)", repeats);
        }
        return out;
    }

    /**
     * Shows a live status line — progress against {@code totalSteps} or {@code totalSamples} (≤ 0:
     * open-ended) and the rate, loss, the latest validation accuracy, ETA, data wait, learning rate,
     * as many as fit, and the elapsed time — starting at {@code step} and {@code samples}, and
     * restarts the rate window.
     */
    public void live(String task, long totalSteps, long totalSamples, long step, long samples) {
        this.totalSteps = totalSteps;
        this.totalSamples = totalSamples;
        liveTask = task;
        bar = Progress.status(task);
        bar.setExtraMessage(progress(step, samples) + "  waiting for records…");
        liveStart = System.nanoTime();
        liveSamplesAtStart = samples;
        liveStepAtStart = step;
        windowStart = liveStart;
    }

    /** Starts the rate window now (when the first poll begins). */
    public void start() {
        windowStart = System.nanoTime();
    }

    /** One training step; {@code valAccuracy} is the last evaluation's, for the progress line (may be null). */
    public void step(long step, long samples, int epoch, double loss, Double trainAcc, double lr, double dataWait,
            int size, Double valAccuracy) {
        if (Double.isNaN(firstLoss)) {
            firstLoss = loss;
        }
        lastLoss = loss;
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
        line.put("data_wait", dataWait);
        if (step % logEvery == 0) {
            double rate = windowSamples / Math.max(elapsed, 1e-9);
            line.put("samples_per_s", rate);
            if (bar != null) {
                lastMessage = liveLine(step, samples, windowLoss / windowSteps, valAccuracy, lr, rate, dataWait, now);
                bar.setExtraMessage(lastMessage + rejectedNote());
            }
            windowLoss = 0;
            windowSteps = 0;
            windowSamples = 0;
            windowStart = now;
        }
        metrics.write(line);
    }

    /** Records rejected to the dead-letter topic so far: the live line shows their count. */
    public void rejected(long count) {
        rejected = count;
        if (bar != null) {
            bar.setExtraMessage((lastMessage.isEmpty() ? "waiting for records…" : lastMessage) + rejectedNote());
        }
    }

    private String rejectedNote() {
        return rejected == 0 ? "" : "  " + rejected + " rejected → dead letters";
    }

    /** The live line's text: the fields that fit in {@link #LIVE_WIDTH} beside the task and the elapsed time, most important first. */
    private String liveLine(long step, long samples, double loss, Double valAccuracy, double lr, double rate, double dataWait,
            long now) {
        List<String> fields = new ArrayList<>();
        fields.add(progress(step, samples) + " at " + rate(rate));
        fields.add(String.format(Locale.ROOT, "loss %.3f", loss));
        if (valAccuracy != null) {
            fields.add(String.format(Locale.ROOT, "val %.3f", valAccuracy));
        }
        // ETA at the pace since this run started, waits for data included.
        double seconds = (now - liveStart) / 1e9;
        double left = totalSamples > 0 ? (totalSamples - samples) * seconds / Math.max(1, samples - liveSamplesAtStart)
                : totalSteps > 0 ? (totalSteps - step) * seconds / Math.max(1, step - liveStepAtStart) : -1;
        if (left >= 0) {
            fields.add("ETA " + Progress.elapsed(java.time.Duration.ofSeconds((long) left)));
        }
        fields.add(String.format(Locale.ROOT, "wait %.0f%%", 100 * dataWait));
        fields.add("lr " + HumanNumbers.format(lr));
        int room = LIVE_WIDTH - liveTask.length() - " 0:00:00 ".length() - rejectedNote().length();
        StringBuilder line = new StringBuilder();
        for (String field : fields) {
            if (line.length() + 2 + field.length() > room) {
                break;
            }
            line.append(line.length() == 0 ? "" : "  ").append(field);
        }
        return line.toString();
    }

    private String progress(long step, long samples) {
        if (totalSamples > 0) {
            return String.format(Locale.ROOT, "%,d/%,d samples (%.0f%%)", samples, totalSamples, 100.0 * samples / totalSamples);
        }
        if (totalSteps > 0) {
            return String.format(Locale.ROOT, "step %,d/%,d (%.0f%%)", step, totalSteps, 100.0 * step / totalSteps);
        }
        return String.format(Locale.ROOT, "step %,d, %,d samples", step, samples);
    }

    private static String rate(double perSecond) {
        return (perSecond >= 100 ? String.format(Locale.ROOT, "%,.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond)) + "/s";
    }

    /** An evaluation that found no records. */
    public void emptyEval(long step, long samples) {
        Map<String, Object> line = evalLine(step, samples, 0);
        metrics.write(line);
    }

    /** An evaluation; redraws the curves. */
    public void eval(long step, long samples, long total, double loss, double accuracy, boolean best) {
        Map<String, Object> line = evalLine(step, samples, total);
        line.put("val_loss", loss);
        line.put("val_acc", accuracy);
        line.put("best", best);
        metrics.write(line);
        metrics.flush();
        Curves.write(metrics.file(), curves, trainLossNote);
    }

    private static Map<String, Object> evalLine(long step, long samples, long total) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "eval");
        line.put("step", step);
        line.put("samples", samples);
        line.put("val_total", total);
        return line;
    }

    /** The losses of the first and the last step this run logged ({@code NaN} before the first). */
    public record Losses(double first, double last) {
    }

    public Losses losses() {
        return new Losses(firstLoss, lastLoss);
    }

    public void flush() {
        metrics.flush();
    }

    public Path file() {
        return metrics.file();
    }

    /** Draws the curves; returns their file, or {@code null} when there was nothing to draw. */
    public Path drawCurves() {
        return Curves.write(metrics.file(), curves, trainLossNote) ? curves : null;
    }

    @Override
    public void close() {
        try {
            if (bar != null) {
                bar.close();
            }
        } finally {
            metrics.close();
        }
    }
}
