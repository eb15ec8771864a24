package io.streamaug.trainer.model;

import java.util.Arrays;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate by step: an optional linear warm-up from {@code lr / warmup} to {@code lr}, then
 * constant, step decay ({@code gamma} every {@code stepSize} steps), multi-step decay ({@code gamma}
 * at each milestone) or cosine decay to {@code minLr} over {@code totalSteps}. DL4J stores it in
 * the model's JSON, so a resumed run continues the same curve from its saved iteration count.
 */
public final class LrSchedule implements ISchedule {
    private final String kind;
    private final double lr;
    private final int warmup;
    private final int stepSize;
    private final int[] milestones;
    private final double gamma;
    private final long totalSteps;
    private final double minLr;

    public LrSchedule(@JsonProperty("kind") String kind, @JsonProperty("lr") double lr,
            @JsonProperty("warmup") int warmup, @JsonProperty("stepSize") int stepSize,
            @JsonProperty("milestones") int[] milestones, @JsonProperty("gamma") double gamma,
            @JsonProperty("totalSteps") long totalSteps, @JsonProperty("minLr") double minLr) {
        this.kind = kind;
        this.lr = lr;
        this.warmup = warmup;
        this.stepSize = Math.max(1, stepSize);
        this.milestones = milestones == null ? new int[0] : milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        this.totalSteps = totalSteps;
        this.minLr = minLr;
    }

    /** The rate at a 0-based step. */
    public double at(long step) {
        if (step < warmup) {
            return lr * (step + 1) / warmup;
        }
        long t = step - warmup;
        switch (kind) {
            case "step":
                return lr * Math.pow(gamma, t / stepSize);
            case "multistep":
                int passed = 0;
                for (int m : milestones) {
                    if (step >= m) {
                        passed++;
                    }
                }
                return lr * Math.pow(gamma, passed);
            case "cosine":
                long span = Math.max(1, totalSteps - warmup);
                double progress = Math.min(1.0, (double) t / span);
                return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
            default:
                return lr;
        }
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return at(iteration);
    }

    @Override
    public ISchedule clone() {
        return new LrSchedule(kind, lr, warmup, stepSize, milestones, gamma, totalSteps, minLr);
    }

    @JsonProperty("kind")
    public String kind() {
        return kind;
    }

    @JsonProperty("lr")
    public double lr() {
        return lr;
    }

    @JsonProperty("warmup")
    public int warmup() {
        return warmup;
    }

    @JsonProperty("stepSize")
    public int stepSize() {
        return stepSize;
    }

    @JsonProperty("milestones")
    public int[] milestones() {
        return milestones.clone();
    }

    @JsonProperty("gamma")
    public double gamma() {
        return gamma;
    }

    @JsonProperty("totalSteps")
    public long totalSteps() {
        return totalSteps;
    }

    @JsonProperty("minLr")
    public double minLr() {
        return minLr;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LrSchedule s && s.kind.equals(kind) && s.lr == lr && s.warmup == warmup
                && s.stepSize == stepSize && Arrays.equals(s.milestones, milestones) && s.gamma == gamma
                && s.totalSteps == totalSteps && s.minLr == minLr;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Double.hashCode(lr) + warmup;
    }
}
