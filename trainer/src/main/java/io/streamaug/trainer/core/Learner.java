package io.streamaug.trainer.core;

import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.eval.Evaluator;
import io.streamaug.trainer.eval.Scores;
import io.streamaug.trainer.eval.TestTimeViews;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.model.FusedStep;
import io.streamaug.trainer.model.Models;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What learns, without Kafka: the network with its updater (and learning-rate schedule), the
 * featuriser that fixes its input and the batch builder that feeds it. {@link #create} is the one
 * place a featuriser, a model and a batch builder are made together; {@code train}, the overfit
 * check, {@code bench trainer} and {@code sweep} all step through a learner.
 */
public final class Learner implements AutoCloseable {
    private final Featuriser features;
    private final MultiLayerNetwork net;
    private final BatchBuilder batches;
    private final int classes;
    private final TrainConfig config;
    /** The step with the update in one pass, or {@code null} where the recipe needs DL4J's {@code fit}. */
    private final FusedStep fused;
    private final ResidentMemoryGuard memory = ResidentMemoryGuard.forThisProcess();

    /** One minibatch step: the loss DL4J reports, the learning rate it used and, when asked, figures taken before it. */
    public record Step(double loss, double lr, Double trainAccuracy, Double initialLoss) {
    }

    private Learner(TrainConfig config, int classes, Featuriser features, MultiLayerNetwork net) {
        this.config = config;
        this.features = features;
        this.net = net;
        this.classes = classes;
        this.batches = new BatchBuilder(features, classes, config.regularisation().labelSmoothing());
        this.fused = FusedStep.of(net);
    }

    /**
     * A new model for {@code config}, its input fixed by {@code example}.
     *
     * @throws IllegalArgumentException when the example does not suit the model (e.g. text for an image model)
     */
    public static Learner create(TrainConfig config, int classes, PreparedSample example) {
        Featuriser features = Featuriser.forModel(config.model().kind().key(), config.model().textFeatures(), example);
        return new Learner(config, classes, features, Models.build(config, features, classes));
    }

    /** A learner around a network restored from a checkpoint (its updater state included). */
    public static Learner restore(TrainConfig config, int classes, Featuriser features, MultiLayerNetwork net) {
        return new Learner(config, classes, features, net);
    }

    /** @throws IllegalArgumentException when the sample does not fit this model */
    public void check(PreparedSample sample) {
        batches.check(sample);
    }

    /** One training step; returns the loss DL4J reports. */
    public double fit(List<PreparedSample> batch) {
        return step(batch, false, false).loss();
    }

    /**
     * One training step on {@code batch}. With {@code initialLoss} it first measures the data loss
     * at the current parameters, with {@code accuracy} the batch's accuracy before the update.
     */
    public Step step(List<PreparedSample> batch, boolean initialLoss, boolean accuracy) {
        DataSet data = batches.buildReused(batch); // the builder's arrays: not closed here
        Double initial = null;
        Double trainAcc = null;
        if (initialLoss) {
            // With batch norm, inference mode normalises by the running statistics, which at
            // initialisation are mean 0 and variance 1: no normalisation at all, and a loss far
            // above ln(C) for a sound model. The loss the first step trains on uses the batch's.
            try (INDArray output = net.output(data.getFeatures(), config.effectiveNorm() == TrainConfig.Norm.BATCH)) {
                initial = BatchBuilder.crossEntropy(output, data.getLabels());
            }
        }
        if (accuracy) {
            try (INDArray output = net.output(data.getFeatures(), false)) {
                trainAcc = accuracy(output, batch);
            }
        }
        // The rate the updater's own schedule gives at the network's iteration count: after a
        // resume both come from the checkpoint, so this is the rate actually used.
        double lr = net.getLearningRate(0);
        if (fused != null) {
            fused.fit(data.getFeatures(), data.getLabels());
        } else {
            net.fit(data);
        }
        memory.afterStep();
        return new Step(net.score(), lr, trainAcc, initial);
    }

    private static double accuracy(INDArray output, List<PreparedSample> batch) {
        try (INDArray predicted = output.argMax(1)) {
            int[] classOf = predicted.toIntVector();
            int correct = 0;
            for (int i = 0; i < classOf.length; i++) {
                if (classOf[i] == BatchBuilder.trueClass(batch.get(i).label())) {
                    correct++;
                }
            }
            return (double) correct / classOf.length;
        }
    }

    /** Scores the model (inference mode, no label smoothing) on in-memory batches. */
    public Evaluator.Evaluation evaluate(Iterable<List<PreparedSample>> batches) {
        Scores scores = new Scores(features, classes, TestTimeViews.NONE);
        for (List<PreparedSample> batch : batches) {
            scores.add(net, batch);
            memory.afterStep();
        }
        return scores.result();
    }

    /** A copy of the parameters, for {@link #restore(INDArray)}; the caller closes it. */
    public INDArray snapshot() {
        return net.params().dup();
    }

    /** Puts back parameters taken by {@link #snapshot()} (the updater state stays as it is). */
    public void restore(INDArray params) {
        net.setParams(params);
    }

    /** Only the batch copy (decode and labels), no network: the data side of a step. */
    public void buildOnly(List<PreparedSample> batch) {
        batches.buildReused(batch);
    }

    /** Only the forward pass in inference mode. */
    public void forwardOnly(List<PreparedSample> batch) {
        DataSet data = batches.buildReused(batch);
        try (INDArray out = net.output(data.getFeatures(), false)) {
            out.getDouble(0);
        }
    }

    /** The model and its recipe in one line, for logs. */
    public String describe() {
        return String.format("%s model (%s norm%s) over %s, %d parameters, %s, %s", config.model().kind(),
                config.effectiveNorm(), config.model().norm() == TrainConfig.Norm.AUTO ? " chosen by auto" : "",
                features.describe(), net.numParams(), config.describeRecipe(),
                fused != null ? "update in one pass" : "DL4J's update")
                + (config.model().kind() == TrainConfig.ModelKind.CNN ? ", " + io.streamaug.trainer.model.SameConvolution.engine() : "");
    }

    /** Fewer samples than this make too noisy a mean for the first sanity check's usual bounds. */
    static final int SAMPLES_TO_JUDGE = 16;

    /**
     * The lecture's first sanity check: at initialisation the data loss should be near ln(C). Returns
     * the verdict, for the log. The first loss is the first step's, as the metrics and the curves
     * have it (regularisation and dropout included); the check is on its cross-entropy part at the
     * same parameters, batch norm measured on the batch's statistics (see {@link #step}). Label
     * smoothing leaves the expected value where it is (against uniform predictions every target costs
     * ln(C)). A mean over fewer than {@link #SAMPLES_TO_JUDGE} samples is noisy — one sample from a
     * sound model can cost 2·ln(C), 3·ln(C) without normalisation — so then only a loss beyond 4·ln(C)
     * is flagged.
     *
     * @param firstLoss    the first step's train loss
     * @param crossEntropy the data loss of the first batch at initialisation
     * @param samples      how many samples {@code crossEntropy} is the mean of
     */
    public static String initialLossCheck(double firstLoss, double crossEntropy, int classes, int samples) {
        double expected = Math.log(classes);
        boolean few = samples < SAMPLES_TO_JUDGE;
        boolean far = few ? crossEntropy > 4 * expected : crossEntropy > 1.5 * expected || crossEntropy < 0.5 * expected;
        return String.format(Locale.ROOT, "first loss %.3f, of which cross-entropy at initialisation %.3f over %d sample%s; "
                + "ln(%d) = %.3f%s", firstLoss, crossEntropy, samples, samples == 1 ? "" : "s", classes, expected, far
                        ? ": WARNING far from ln(C): check the initialisation, the labels and the input scale (are the "
                                + "workers normalising?)"
                        : few ? ": no sign of trouble (too few samples to judge closely)" : ": as expected");
    }

    /** Whether steps make the update in one pass ({@link FusedStep}) rather than through DL4J's {@code fit}. */
    public boolean fusedUpdate() {
        return fused != null;
    }

    public MultiLayerNetwork network() {
        return net;
    }

    public Featuriser features() {
        return features;
    }

    public int classes() {
        return classes;
    }

    @Override
    public void close() {
        batches.close();
        net.close();
    }
}
