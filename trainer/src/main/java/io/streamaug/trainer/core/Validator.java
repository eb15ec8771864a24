package io.streamaug.trainer.core;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.eval.Evaluator;
import io.streamaug.trainer.report.RunLog;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Evaluation on the val topic during a run: scores the learner, feeds the result to the
 * {@link EarlyStopping} rule, keeps a snapshot of the best parameters while the rule may restore
 * them, reports each result, and puts the best parameters back at the end.
 */
final class Validator {
    private final TrainConfig config;
    private final Evaluator evaluator;
    private final String topic;
    private final EarlyStopping early;
    private final Consumer<String> log;
    private INDArray bestParams;
    private Evaluator.Evaluation bestVal;
    private Evaluator.Evaluation lastVal;
    private long lastEvalStep = -1;

    /** @param bestParams the best parameters so far (from a checkpoint), or {@code null} */
    Validator(TrainConfig config, Evaluator evaluator, String topic, EarlyStopping early, INDArray bestParams,
            Consumer<String> log) {
        this.config = config;
        this.evaluator = evaluator;
        this.topic = topic;
        this.early = early;
        this.bestParams = bestParams;
        this.log = log;
    }

    /** Evaluates the learner at {@code step} (nothing is decided when the topic has no records of the dataset yet). */
    void evaluate(Learner learner, long step, long samples, RunLog runLog) {
        Evaluator.Evaluation val = evaluator.evaluate(topic, learner.network());
        lastEvalStep = step;
        if (val.total() == 0) {
            runLog.emptyEval(step, samples);
            log.accept("trainer " + config.name() + ": no " + config.dataset() + " records on " + topic + " yet; not evaluating");
            return;
        }
        lastVal = val;
        TrainConfig.Validation v = config.validation();
        EarlyStopping.Decision decision = early.observe(step, v.monitor().lowerIsBetter() ? val.loss() : val.accuracy());
        boolean better = decision == EarlyStopping.Decision.KEEP;
        if (better) {
            bestVal = val;
            if (early.keepsParameters()) {
                if (bestParams != null) {
                    bestParams.close();
                }
                bestParams = learner.snapshot();
            }
        }
        runLog.eval(step, samples, val.total(), val.loss(), val.accuracy(), better);
        log.accept(String.format("trainer %s: step %d, val loss %.4f, val accuracy %.4f on %d%s", config.name(), step,
                val.loss(), val.accuracy(), val.total(), better ? " (best)" : " (" + early.progress().sinceBest()
                        + (v.patience() > 0 ? "/" + v.patience() : "") + " without improvement)"));
        if (decision == EarlyStopping.Decision.STOP) {
            log.accept(String.format("trainer %s: early stopping: val %s has not improved for %d evaluations (best %.4f at step %d)",
                    config.name(), v.monitor(), v.patience(), early.progress().best(), early.progress().bestStep()));
        }
    }

    boolean evaluatedAt(long step) {
        return lastEvalStep == step;
    }

    /** At the end of a run at {@code step}: puts the best parameters back when the rule says so. */
    void restoreBest(Learner learner, long step) {
        if (bestParams != null && early.restoreAt(step)) {
            learner.restore(bestParams);
            lastVal = bestVal;
            log.accept(String.format("trainer %s: restored the best model (step %d, val %s %.4f)", config.name(),
                    early.progress().bestStep(), config.validation().monitor(), early.progress().best()));
        }
    }

    /** The best parameters kept so far ({@code null} when none are). */
    INDArray bestParams() {
        return bestParams;
    }

    /** The last evaluation with records (after a restore, the best one's). */
    Evaluator.Evaluation last() {
        return lastVal;
    }
}
