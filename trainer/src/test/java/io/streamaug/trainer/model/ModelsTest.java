package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.BatchBuilder;
import io.streamaug.trainer.core.Learner;
import io.streamaug.trainer.features.ImageFeatures;
import io.streamaug.trainer.model.LayerNorm2d;
import io.streamaug.trainer.model.Models;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

class ModelsTest {
    private static final ImageFeatures IMAGE = new ImageFeatures(1, 8, 8);

    private static List<Layer> layers(MultiLayerNetwork net) {
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            out.add(net.getLayerWiseConfigurations().getConf(i).getLayer());
        }
        return out;
    }

    private static INDArray uniform(long seed, int rows, int cols) {
        Random random = new Random(seed);
        float[][] values = new float[rows][cols];
        for (float[] row : values) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextFloat();
            }
        }
        return Nd4j.create(values);
    }

    @Test
    void normChoiceBuildsLayerNormOrBatchNormLayers() {
        TrainConfig base = TrainConfig.defaults().with(Map.of("hidden", "16,8"));
        MultiLayerNetwork layer = Models.build(base.with(Map.of("norm", "layer")), IMAGE, 3);
        assertThat(layers(layer)).filteredOn(l -> l instanceof DenseLayer d && d.hasLayerNorm()).hasSize(2);
        assertThat(layers(layer)).noneMatch(l -> l instanceof BatchNormalization);
        MultiLayerNetwork batch = Models.build(base.with(Map.of("norm", "batch")), IMAGE, 3);
        assertThat(layers(batch)).filteredOn(l -> l instanceof BatchNormalization).hasSize(2);
        MultiLayerNetwork cnn = Models.build(base.with(Map.of("model", "cnn", "conv_channels", "4,8", "norm", "layer")), IMAGE, 3);
        assertThat(layers(cnn)).filteredOn(l -> l instanceof LayerNorm2d).hasSize(2);
    }

    @Test
    void everyModelEndsInTheProjectsSoftmaxOutputLayer() {
        TrainConfig base = TrainConfig.defaults().with(Map.of("hidden", "16,8", "conv_channels", "4"));
        List<MultiLayerNetwork> nets = List.of(Models.build(base, IMAGE, 3),
                Models.build(base.with(Map.of("model", "cnn")), IMAGE, 3),
                Models.build(base.with(Map.of("model", "text")), new io.streamaug.trainer.features.HashedTextFeatures(64), 3));
        for (MultiLayerNetwork net : nets) {
            Layer output = layers(net).get(net.getnLayers() - 1);
            assertThat(output).isInstanceOf(SoftmaxOutput.class);
            assertThat(((SoftmaxOutput) output).getLossFn()).isInstanceOf(org.nd4j.linalg.lossfunctions.impl.LossMCXENT.class);
            assertThat(((SoftmaxOutput) output).getActivationFn())
                    .isInstanceOf(org.nd4j.linalg.activations.impl.ActivationSoftmax.class);
            assertThat(net.getOutputLayer()).isInstanceOf(SoftmaxOutputImpl.class);
        }
    }

    @Test
    void weightDecayIsCoupledL2ForAdamAndDecoupledForAdamW() {
        TrainConfig base = TrainConfig.defaults().with(Map.of("hidden", "16", "weight_decay", "0.01"));
        Layer adam = Models.build(base, IMAGE, 3).getLayerWiseConfigurations().getConf(0).getLayer();
        Layer adamw = Models.build(base.with(Map.of("optimizer", "adamw")), IMAGE, 3)
                .getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(((DenseLayer) adam).getRegularization()).hasOnlyElementsOfType(L2Regularization.class);
        assertThat(((DenseLayer) adamw).getRegularization()).hasOnlyElementsOfType(WeightDecay.class);
        assertThat(((DenseLayer) adamw).getRegularizationBias()).isEmpty();
    }

    @Test
    void softLabelLossEqualsTheHandComputedCrossEntropy() {
        TrainConfig config = TrainConfig.defaults().with(Map.of("hidden", "8", "weight_decay", "0", "dropout", "0",
                "label_smoothing", "0"));
        MultiLayerNetwork net = Models.build(config, IMAGE, 3);
        INDArray x = uniform(5, 4, 64).subi(0.5);
        float[][] targets = {{0.7f, 0.3f, 0f}, {0.2f, 0.2f, 0.6f}, {0f, 1f, 0f}, {1 / 3f, 1 / 3f, 1 / 3f}};
        INDArray y = Nd4j.create(targets);
        double[][] p = net.output(x, false).toDoubleMatrix();
        double hand = 0;
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 3; c++) {
                hand -= targets[i][c] * Math.log(p[i][c]);
            }
        }
        hand /= 4;
        assertThat(net.score(new DataSet(x, y), false)).isCloseTo(hand, within(1e-5));
        assertThat(BatchBuilder.crossEntropy(net.output(x, false), y)).isCloseTo(hand, within(1e-5));
    }

    @Test
    void convLayerNormNormalisesEachExampleOnItsOwnAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        TrainConfig config = TrainConfig.defaults().with(Map.of("model", "cnn", "conv_channels", "4", "hidden", "8",
                "norm", "layer", "dropout", "0"));
        MultiLayerNetwork net = Models.build(config, IMAGE, 3);
        INDArray x = uniform(9, 3, 64).muli(10).addi(3); // far from zero mean and unit scale
        // The norm layer (index 1) carries the ReLU: its output is max(x̂, 0), with x̂ the convolution's output
        // standardised per example over C,H,W (gain 1 and bias 0 at the start).
        List<INDArray> acts = net.feedForwardToLayer(1, x, false);
        assertThat(net.getLayerWiseConfigurations().getConf(2).getLayer()).isInstanceOf(MaxPool.class);
        for (int i = 0; i < 3; i++) {
            double[] conv = acts.get(1).get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup('c').data().asDouble();
            double[] normed = acts.get(2).get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup('c').data().asDouble();
            double mean = Arrays.stream(conv).average().orElseThrow();
            double std = Math.sqrt(Arrays.stream(conv).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
            int clipped = 0;
            for (int k = 0; k < conv.length; k++) {
                assertThat(normed[k]).isCloseTo(Math.max((conv[k] - mean) / std, 0), within(1e-4));
                clipped += normed[k] == 0 ? 1 : 0;
            }
            assertThat(clipped).as("about half the standardised values are clipped").isBetween(conv.length / 5, conv.length * 4 / 5);
        }
        // Independent of the batch: an example alone gives the same output as within the batch.
        INDArray alone = net.output(x.getRow(1, true), false);
        assertThat(alone.toFloatVector()).containsExactly(net.output(x, false).getRow(1).toFloatVector(), within(1e-5f));

        File file = dir.resolve("cnn.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(restored.output(x, false).data().asFloat()).containsExactly(net.output(x, false).data().asFloat());
        assertThat(Arrays.equals(restored.params().toFloatVector(), net.params().toFloatVector())).isTrue();
    }

    @Test
    void everyModelTrainsOnItsInputKind() {
        PreparedSample image = Toy.sample("a", 0, Split.TRAIN, 0, new Random(1));
        for (String model : List.of("mlp", "cnn")) {
            TrainConfig config = TrainConfig.defaults().with(Map.of("model", model, "hidden", "8", "conv_channels", "4",
                    "norm", "layer", "batch_size", "4"));
            try (Learner steps = Learner.create(config, 2, image)) {
                List<PreparedSample> batch = Toy.train(4, 1);
                double first = steps.fit(batch);
                for (int i = 0; i < 30; i++) {
                    steps.fit(batch);
                }
                assertThat(steps.fit(batch)).as(model).isLessThan(first);
            }
        }
        PreparedSample text = new PreparedSample("t", "d", Split.TRAIN, 0, 0, 0, new io.streamaug.core.wire.Text("spam spam"),
                Label.of(1), List.of());
        // No dropout: on 8 hidden units and two samples its masks alone move the loss by more than 30 steps do.
        TrainConfig config = TrainConfig.defaults().with(Map.of("model", "text", "hidden", "8", "text_features", "64",
                "norm", "layer", "dropout", "0"));
        try (Learner steps = Learner.create(config, 2, text)) {
            List<PreparedSample> batch = List.of(text, new PreparedSample("u", "d", Split.TRAIN, 0, 0, 0,
                    new io.streamaug.core.wire.Text("meeting tomorrow"), Label.of(0), List.of()));
            double first = steps.fit(batch);
            for (int i = 0; i < 30; i++) {
                steps.fit(batch);
            }
            assertThat(steps.fit(batch)).isLessThan(first);
        }
    }
}
