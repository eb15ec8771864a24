package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class LayerNorm2dTest {
    private static INDArray uniform(long seed, DataType type, long... shape) {
        Random random = new Random(seed);
        double[] values = new double[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 4 - 1;
        }
        return Nd4j.create(values, shape, type);
    }

    private static INDArray oneHot(int rows, int classes, DataType type) {
        INDArray y = Nd4j.zeros(type, rows, classes);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, (i * 7) % classes, 1.0);
        }
        return y;
    }

    /** conv 3×3 → norm → ReLU → max-pool → dense → softmax, as the cnn model, with the given norm layer. */
    private static MultiLayerNetwork cnn(Supplier<Layer> norm, DataType type, boolean noOp, Activation hidden) {
        var list = new NeuralNetConfiguration.Builder().seed(3).dataType(type)
                .updater(noOp ? new NoOp() : new Adam(1e-2)).weightInit(WeightInit.RELU).l2(noOp ? 0 : 1e-4).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build())
                .layer(norm.get())
                .layer(new ActivationLayer.Builder().activation(hidden).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.convolutional(6, 6, 2)).build());
        net.init();
        return net;
    }

    /** Gain and bias away from 1 and 0, so that their gradients and the gain's part in dx are checked. */
    private static void perturbNorm(MultiLayerNetwork net) {
        net.getLayer(1).setParam(LayerNorm2d.GAIN, uniform(21, net.getLayer(1).getParam(LayerNorm2d.GAIN).dataType(), 1, 3).addi(0.5));
        net.getLayer(1).setParam(LayerNorm2d.BIAS, uniform(22, net.getLayer(1).getParam(LayerNorm2d.BIAS).dataType(), 1, 3));
    }

    @Test
    void gradientsMatchFiniteDifferencesInDoublePrecision() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = cnn(() -> new LayerNorm2d.Builder().build(), DataType.DOUBLE, true, Activation.TANH);
            perturbNorm(net);
            INDArray x = uniform(5, DataType.DOUBLE, 4, 2, 6, 6);
            INDArray y = oneHot(4, 3, DataType.DOUBLE);
            assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9))).isTrue();

            // The SameDiff layer this one replaced fails the same check: see the next test.
            MultiLayerNetwork sameDiff = cnn(SameDiffLayerNorm2d::new, DataType.DOUBLE, true, Activation.TANH);
            sameDiff.setParams(net.params());
            assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(sameDiff).input(x).labels(y)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).exitOnFirstError(true))).isFalse();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void outputsAndGradientsEqualTheSameDiffLayerItReplaced() {
        MultiLayerNetwork fast = cnn(() -> new LayerNorm2d.Builder().build(), DataType.FLOAT, false, Activation.RELU);
        MultiLayerNetwork reference = cnn(() -> new SameDiffLayerNorm2d(), DataType.FLOAT, false, Activation.RELU);
        perturbNorm(fast);
        reference.setParams(fast.params()); // the same parameters in the same order
        INDArray x = uniform(6, DataType.FLOAT, 8, 2, 6, 6);
        INDArray y = oneHot(8, 3, DataType.FLOAT);

        assertThat(fast.output(x, false).data().asFloat())
                .containsExactly(reference.output(x, false).data().asFloat(), within(1e-5f));
        List<INDArray> fastActs = fast.feedForwardToLayer(1, x, true);
        List<INDArray> refActs = reference.feedForwardToLayer(1, x, true);
        assertThat(fastActs.get(2).dup('c').data().asFloat()).containsExactly(refActs.get(2).dup('c').data().asFloat(), within(1e-5f));

        for (MultiLayerNetwork net : List.of(fast, reference)) {
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
        }
        assertThat(fast.score()).isCloseTo(reference.score(), within(1e-5));
        // Every gradient above the norm layer agrees. The SameDiff layer's own gradients, for its gain
        // and bias and for the layer below, were exactly twice the true ones (the check above fails
        // for it), so those are now half of what they were.
        float[] fastGrad = fast.gradient().gradient().data().asFloat();
        float[] refGrad = reference.gradient().gradient().data().asFloat();
        int below = (int) (fast.getLayer(0).numParams() + fast.getLayer(1).numParams());
        assertThat(Arrays.copyOfRange(fastGrad, below, fastGrad.length))
                .containsExactly(Arrays.copyOfRange(refGrad, below, refGrad.length), within(1e-5f));
        for (int i = 0; i < below; i++) {
            assertThat(fastGrad[i]).as("gradient %d", i).isCloseTo(refGrad[i] / 2, within(1e-5f));
        }
    }

    /**
     * A network saved while the layer was a SameDiff layer (fixture {@code samediff-layernorm-cnn}:
     * the cnn model with 4 channels and 8 hidden units on 8×8 images, three Adam steps at lr 1e-2,
     * saved with its updater; {@code expected.txt} holds its outputs on the input below, then its
     * parameters after one more step, both computed by the SameDiff layer) loads into this layer,
     * predicts the same, and trains on from the same Adam state: every parameter above the norm layer
     * takes the same step. The norm layer and the convolution below it take slightly different ones,
     * because their gradients are now the true ones, half of what the SameDiff layer gave them.
     */
    @Test
    void aNetworkSavedWithTheSameDiffLayerLoadsAndTrainsOn() throws Exception {
        Path dir = Path.of(LayerNorm2dTest.class.getResource("/checkpoints/samediff-layernorm-cnn/model.zip").toURI()).getParent();
        List<String> expected = Files.readAllLines(dir.resolve("expected.txt"));
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("model.zip").toFile(), true);
        assertThat(net.getLayerWiseConfigurations().getConf(1).getLayer()).isInstanceOf(LayerNorm2d.class);

        Random random = new Random(11);
        float[][] values = new float[6][64];
        for (float[] row : values) {
            for (int j = 0; j < 64; j++) {
                row[j] = random.nextFloat();
            }
        }
        INDArray x = Nd4j.create(values).muli(4).subi(1);
        INDArray y = Nd4j.zeros(6, 3);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        assertThat(net.output(x, false).data().asFloat()).containsExactly(floats(expected.get(0)), within(1e-5f));
        float[] before = net.params().data().asFloat();
        net.fit(new DataSet(x, y));
        float[] after = net.params().data().asFloat();
        float[] expectedAfter = floats(expected.get(1));
        int below = (int) (net.getLayer(0).numParams() + net.getLayer(1).numParams());
        assertThat(Arrays.copyOfRange(after, below, after.length))
                .containsExactly(Arrays.copyOfRange(expectedAfter, below, expectedAfter.length), within(1e-5f));
        for (int i = 0; i < below; i++) { // Adam's step is at most about lr = 1e-2 either way
            assertThat(after[i] - before[i]).isCloseTo(expectedAfter[i] - before[i], within(1e-2f));
        }

        // The model as the trainer builds it now has the same layout, so such a network resumes in place.
        TrainConfig config = TrainConfig.defaults().with(Map.of("model", "cnn", "conv_channels", "4", "hidden", "8",
                "norm", "layer", "dropout", "0", "lr", "1e-2", "seed", "7"));
        MultiLayerNetwork built = Models.build(config, new ImageFeatures(1, 8, 8), 3);
        assertThat(built.numParams()).isEqualTo(net.numParams());
        assertThat(built.getUpdater().getStateViewArray().length()).isEqualTo(net.getUpdater().getStateViewArray().length());
    }

    private static float[] floats(String line) {
        String[] parts = line.substring(1, line.length() - 1).split(", ");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }

    @Test
    void savesAndLoadsAsANativeLayer(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        MultiLayerNetwork net = cnn(() -> new LayerNorm2d.Builder().build(), DataType.FLOAT, false, Activation.RELU);
        perturbNorm(net);
        INDArray x = uniform(8, DataType.FLOAT, 3, 2, 6, 6);
        File file = tmp.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(restored.getLayerWiseConfigurations()).isEqualTo(net.getLayerWiseConfigurations());
        assertThat(restored.output(x, false).data().asFloat()).containsExactly(net.output(x, false).data().asFloat());
    }

    /** conv 3×3 (ours or DL4J's) → layer norm with its ReLU, or followed by DL4J's ReLU layer → max-pool → dense → softmax. */
    private static MultiLayerNetwork convNorm(DataType type, boolean sameConvolution, boolean fusedRelu) {
        var list = new NeuralNetConfiguration.Builder().seed(3).dataType(type).updater(new NoOp()).weightInit(WeightInit.RELU).list()
                .layer(sameConvolution ? new SameConvolution.Builder(3, 3).nOut(3).build()
                        : new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build());
        if (fusedRelu) {
            list.layer(new LayerNorm2d.Builder().relu(true).build());
        } else {
            list.layer(new LayerNorm2d.Builder().build()).layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
        }
        list.layer(new MaxPool.Builder().kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.convolutional(6, 6, 2)).build());
        net.init();
        return net;
    }

    /**
     * With {@code relu} the layer computes what it does without, followed by DL4J's ReLU layer: outputs,
     * score, every parameter's gradient and the input's. Float takes the Java loops, double ND4J's ops;
     * after ours or DL4J's convolution, whose outputs come in different memory layouts.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"FLOAT, true", "FLOAT, false", "DOUBLE, true", "DOUBLE, false"})
    void theReluOptionIsTheNormFollowedByDl4jsRelu(DataType type, boolean sameConvolution) {
        MultiLayerNetwork fused = convNorm(type, sameConvolution, true);
        MultiLayerNetwork separate = convNorm(type, sameConvolution, false);
        perturbNorm(fused);
        separate.setParams(fused.params()); // the ReLU layer has no parameters: the same ones in the same order
        double tolerance = type == DataType.FLOAT ? 1e-6 : 1e-12;
        for (int seed = 0; seed < 3; seed++) {
            INDArray x = uniform(30 + seed, type, 4, 2, 6, 6);
            INDArray y = oneHot(4, 3, type);
            assertThat(values(fused.output(x, false))).containsExactly(values(separate.output(x, false)), within(tolerance));
            var a = fused.calculateGradients(x, y, null, null);
            var b = separate.calculateGradients(x, y, null, null);
            assertThat(a.getFirst().gradient().toDoubleVector()).containsExactly(b.getFirst().gradient().toDoubleVector(), within(tolerance));
            assertThat(values(a.getSecond())).containsExactly(values(b.getSecond()), within(tolerance));
            assertThat(fused.score(new DataSet(x, y))).isCloseTo(separate.score(new DataSet(x, y)), within(tolerance));
        }
    }

    /**
     * The Java loops (float) compute what the whole-array ops that pass the finite-difference check
     * above do (double): outputs and every gradient, to float precision, with the ReLU inside the
     * layer and without, after ours or DL4J's convolution.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void theJavaLoopsComputeWhatTheCheckedOpsDo(boolean sameConvolution, boolean fusedRelu) {
        MultiLayerNetwork single = convNorm(DataType.FLOAT, sameConvolution, fusedRelu);
        MultiLayerNetwork doubles = convNorm(DataType.DOUBLE, sameConvolution, fusedRelu);
        perturbNorm(single);
        doubles.setParams(single.params().castTo(DataType.DOUBLE));
        for (int seed = 0; seed < 3; seed++) {
            INDArray x = uniform(40 + seed, DataType.DOUBLE, 5, 2, 6, 6);
            INDArray y = oneHot(5, 3, DataType.DOUBLE);
            assertThat(values(single.output(x.castTo(DataType.FLOAT), false)))
                    .containsExactly(values(doubles.output(x, false)), within(1e-5));
            var a = single.calculateGradients(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT), null, null);
            var b = doubles.calculateGradients(x, y, null, null);
            double[] expected = b.getFirst().gradient().toDoubleVector();
            double[] actual = a.getFirst().gradient().toDoubleVector();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("gradient %d", i).isCloseTo(expected[i], within(1e-5 + 1e-4 * Math.abs(expected[i])));
            }
            assertThat(values(a.getSecond())).containsExactly(values(b.getSecond()), within(1e-5));
        }
    }

    private static double[] values(INDArray array) {
        return array.dup('c').data().asDouble();
    }
}
