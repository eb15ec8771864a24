package io.streamaug.trainer.core;

/**
 * The patience rule over evaluation results, and nothing else (no network, no Kafka): each result
 * either improves on the best so far (keep the parameters), or does not (wait, or stop once
 * {@code patience} results in a row have not); at the end the best parameters are restored when
 * they are not the current ones. With {@code patience} 0 it tracks the best but never stops or
 * restores.
 */
public final class EarlyStopping {
    /** What an evaluation result means for the run. */
    public enum Decision {
        /** A new best: keep (snapshot) the current parameters. */
        KEEP,
        /** No improvement, patience not yet spent. */
        WAIT,
        /** No improvement for {@code patience} results: stop training. */
        STOP
    }

    private final boolean lowerIsBetter;
    private final int patience;
    private Double best;
    private long bestStep;
    private int sinceBest;
    private boolean stopped;

    /** @param lowerIsBetter true for a loss, false for an accuracy */
    public EarlyStopping(boolean lowerIsBetter, int patience) {
        this(lowerIsBetter, patience, null, -1, 0);
    }

    /** A rule that continues from a checkpoint's best result, its step and the results since. */
    public EarlyStopping(boolean lowerIsBetter, int patience, Double best, long bestStep, int sinceBest) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be ≥ 0, got " + patience);
        }
        this.lowerIsBetter = lowerIsBetter;
        this.patience = patience;
        this.best = best;
        this.bestStep = bestStep;
        this.sinceBest = sinceBest;
    }

    /** Takes the evaluation result at {@code step}. */
    public Decision observe(long step, double metric) {
        boolean better = best == null || (lowerIsBetter ? metric < best : metric > best);
        if (better) {
            best = metric;
            bestStep = step;
            sinceBest = 0;
            return Decision.KEEP;
        }
        sinceBest++;
        if (patience > 0 && sinceBest >= patience) {
            stopped = true;
            return Decision.STOP;
        }
        return Decision.WAIT;
    }

    /** Whether the parameters are worth keeping at all (only when the rule can restore them). */
    public boolean keepsParameters() {
        return patience > 0;
    }

    /** Whether a run ending at {@code step} should put back the best parameters. */
    public boolean restoreAt(long step) {
        return patience > 0 && best != null && bestStep != step;
    }

    /**
     * Where the rule stands: the best result so far ({@code null} before the first), its step
     * ({@code -1} before the first), the results since it, and whether the rule has stopped the run.
     */
    public record Progress(Double best, long bestStep, int sinceBest, boolean stopped) {
    }

    public Progress progress() {
        return new Progress(best, bestStep, sinceBest, stopped);
    }

    public int patience() {
        return patience;
    }
}
