package io.streamaug.trainer.report;

import io.streamaug.core.cli.Progress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    private final MetricsLog metrics;
    private final Path curves;
    private final int logEvery;
    private ProgressBar bar;
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

    /** Shows a live progress line, starting at {@code step}, and restarts the rate window. */
    public void live(String task, long total, long step) {
        bar = Progress.bar(task, total, "steps");
        bar.stepTo(step);
        windowStart = System.nanoTime();
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
                bar.stepTo(step);
                lastMessage = String.format(" loss %.3f%s lr %.1e %.0f/s wait %.0f%%", windowLoss / windowSteps,
                        valAccuracy == null ? "" : String.format(" val %.3f", valAccuracy), lr, rate, 100 * dataWait);
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
            bar.setExtraMessage(lastMessage + rejectedNote());
        }
    }

    private String rejectedNote() {
        return rejected == 0 ? "" : " · " + rejected + " rejected → dead letters";
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
