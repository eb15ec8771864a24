package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FusedStepTest {
    /** 400 inputs, hidden 24 and 16, 4 classes: 10,132 parameters, more than one chunk of the update. */
    private static final TrainConfig MLP = TrainConfig.defaults().with(Map.of("norm", "layer", "hidden", "24,16"));
    private static final ImageFeatures IMAGES = new ImageFeatures(1, 20, 20);

    private static INDArray inputs(long seed, int rows, long columns) {
        Random random = new Random(seed);
        float[] values = new float[(int) (rows * columns)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {rows, columns});
    }

    /** Smoothed one-hot targets, as the batch builder makes them with label smoothing 0.1. */
    private static INDArray targets(long seed, int rows) {
        Random random = new Random(seed);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, 4).addi(0.025);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, random.nextInt(4), 0.925);
        }
        return y;
    }

    /** Trains two networks built alike, one with {@code net.fit}, one with the fused step; returns the largest parameter difference. */
    private static float[] trainBoth(TrainConfig config, ImageFeatures features, int minibatch, int steps) {
        MultiLayerNetwork dl4j = Models.build(config, features, 4);
        MultiLayerNetwork fused = Models.build(config, features, 4);
        assertThat(fused.params().data().asFloat()).containsExactly(dl4j.params().data().asFloat());
        FusedStep step = FusedStep.of(fused);
        assertThat(step).isNotNull();
        long columns = features.size();
        float maxParam = 0;
        float maxScore = 0;
        for (int s = 0; s < steps; s++) {
            INDArray x = inputs(s, minibatch, columns);
            INDArray y = targets(s, minibatch);
            Nd4j.getRandom().setSeed(100 + s); // the same dropout masks for both
            dl4j.fit(x, y);
            Nd4j.getRandom().setSeed(100 + s);
            double score = step.fit(x, y);
            assertThat(score).isEqualTo(fused.score());
            maxScore = Math.max(maxScore, (float) Math.abs(score - dl4j.score()));
        }
        assertThat(fused.getIterationCount()).isEqualTo(dl4j.getIterationCount()).isEqualTo(steps);
        float[] a = dl4j.params().data().asFloat();
        float[] b = fused.params().data().asFloat();
        float[] ma = dl4j.getUpdater().getStateViewArray().data().asFloat();
        float[] mb = fused.getUpdater().getStateViewArray().data().asFloat();
        float maxState = 0;
        for (int i = 0; i < a.length; i++) {
            maxParam = Math.max(maxParam, Math.abs(a[i] - b[i]));
        }
        for (int i = 0; i < ma.length; i++) {
            maxState = Math.max(maxState, Math.abs(ma[i] - mb[i]) / Math.max(1e-12f, Math.abs(ma[i])));
        }
        return new float[] {maxParam, maxState, maxScore};
    }

    /** The default recipe (Adam, L2 on the weights, dropout, layer norm): the same parameters, Adam state and scores as DL4J's fit. */
    @ParameterizedTest
    @ValueSource(ints = {1, 8, 32})
    void mlpStepsAreDl4jsSteps(int minibatch) {
        float[] diff = trainBoth(MLP, IMAGES, minibatch, 40);
        assertThat(diff[0]).as("largest parameter difference").isLessThanOrEqualTo(1e-6f);
        assertThat(diff[1]).as("largest relative difference of m and v").isLessThanOrEqualTo(1e-4f);
        assertThat(diff[2]).as("largest score difference").isLessThanOrEqualTo(1e-5f);
    }

    /** A warm-up and cosine schedule reaches the fused step through the iteration count, as it reaches DL4J's updater. */
    @Test
    void followsTheLearningRateSchedule() {
        TrainConfig scheduled = MLP.with(Map.of("schedule", "cosine", "warmup_steps", "5", "lr", "0.01", "total_steps", "30"));
        float[] diff = trainBoth(scheduled, IMAGES, 8, 30);
        assertThat(diff[0]).isLessThanOrEqualTo(1e-6f);
    }

    @Test
    void cnnStepsAreDl4jsSteps() {
        TrainConfig cnn = TrainConfig.defaults().with(Map.of("model", "cnn", "conv_channels", "4,8", "hidden", "16", "norm", "layer"));
        ImageFeatures small = new ImageFeatures(1, 12, 12);
        float[] diff = trainBoth(cnn, small, 4, 20);
        assertThat(diff[0]).isLessThanOrEqualTo(1e-6f);
        assertThat(diff[2]).isLessThanOrEqualTo(1e-5f);
    }

    /** Without the fused step the two would differ: the comparison above can fail. */
    @Test
    void aDifferentUpdateIsDetected() {
        MultiLayerNetwork a = Models.build(MLP, IMAGES, 4);
        MultiLayerNetwork b = Models.build(MLP.with(Map.of("weight_decay", "0.001")), IMAGES, 4);
        FusedStep step = FusedStep.of(b);
        for (int s = 0; s < 5; s++) {
            Nd4j.getRandom().setSeed(s);
            a.fit(inputs(s, 8, IMAGES.size()), targets(s, 8));
            Nd4j.getRandom().setSeed(s);
            step.fit(inputs(s, 8, IMAGES.size()), targets(s, 8));
        }
        assertThat(a.params().data().asFloat()).isNotEqualTo(b.params().data().asFloat());
    }

    @Test
    void recipesItDoesNotCoverKeepDl4jsFit() {
        for (Map<String, String> recipe : java.util.List.of(Map.of("optimizer", "adamw"), Map.of("optimizer", "sgd"),
                Map.of("l1", "0.001"), Map.of("grad_clip", "1.0"), Map.of("norm", "batch"))) {
            assertThat(FusedStep.of(Models.build(MLP.with(recipe), IMAGES, 4))).as(recipe.toString()).isNull();
        }
        assertThat(FusedStep.of(Models.build(MLP.with(Map.of("weight_decay", "0")), IMAGES, 4))).isNotNull();
    }

    @Test
    void refusesANetworkWhoseUpdaterWasReplaced() {
        MultiLayerNetwork net = Models.build(MLP, IMAGES, 4);
        FusedStep step = FusedStep.of(net);
        net.setUpdater(new MultiLayerUpdater(net));
        assertThatThrownBy(() -> step.fit(inputs(1, 2, IMAGES.size()), targets(1, 2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replaced");
    }
}
