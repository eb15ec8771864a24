package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.nio.file.Path;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class SameConvolutionTest {
    private static INDArray uniform(long seed, DataType type, long... shape) {
        Random random = new Random(seed);
        double[] values = new double[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return Nd4j.create(values, shape, type);
    }

    private static INDArray oneHot(int rows, DataType type) {
        INDArray y = Nd4j.zeros(type, rows, 3);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        return y;
    }

    /**
     * Two convolutions (3×3 without bias, then 5×3 with bias) with tanh after each, then softmax: the
     * second one's input gradient reaches the first one's weights, so every part of the backward pass
     * is checked. {@code same} chooses this layer, else DL4J's own convolution with the same settings.
     */
    private static MultiLayerNetwork net(boolean same, DataType type, boolean noOp) {
        var list = new NeuralNetConfiguration.Builder().seed(4).dataType(type).updater(noOp ? new NoOp() : new Adam(1e-2))
                .weightInit(WeightInit.XAVIER).list()
                .layer(same ? new SameConvolution.Builder(3, 3).nOut(3).hasBias(false).build()
                        : new ConvolutionLayer.Builder(3, 3).nOut(3).hasBias(false).convolutionMode(ConvolutionMode.Same)
                                .activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(same ? new SameConvolution.Builder(5, 3).nOut(2).biasInit(0.1).build()
                        : new ConvolutionLayer.Builder(5, 3).nOut(2).biasInit(0.1).convolutionMode(ConvolutionMode.Same)
                                .activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.convolutional(6, 5, 2)).build());
        net.init();
        return net;
    }

    @Test
    void gradientsMatchFiniteDifferencesInDoublePrecision() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = net(true, DataType.DOUBLE, true);
            INDArray x = uniform(5, DataType.DOUBLE, 3, 2, 6, 5);
            assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x)
                    .labels(oneHot(3, DataType.DOUBLE)).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9))).isTrue();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    /** With and without ND4J's helpers: with them, on the -onednn build, both layers run on oneDNN. */
    @ParameterizedTest(name = "helpers allowed: {0}")
    @ValueSource(booleans = {true, false})
    void outputsGradientsAndTrainingEqualDl4jsConvolution(boolean helpers) {
        compareFloatTraining(net(true, DataType.FLOAT, false), helpers, net(false, DataType.FLOAT, false), helpers,
                uniform(6, DataType.FLOAT, 4, 2, 6, 5));
    }

    /** The project's tests load the build the CLI loads: on linux-x86_64, ND4J's -onednn build (see the POMs). */
    @Test
    void testsRunOnTheBuildTheCliChooses() {
        boolean linuxX86 = org.bytedeco.javacpp.Loader.getPlatform().equals("linux-x86_64");
        assertThat(Onednn.inBuild()).isEqualTo(linuxX86);
    }

    /**
     * oneDNN's convolutions (helpers allowed) against the patch-matrix path ({@link Patches} and
     * OpenBLAS's products; helpers not allowed) in float, on the same network: outputs, gradients and
     * ten Adam steps, at two minibatch sizes.
     */
    @ParameterizedTest(name = "minibatch {0}")
    @ValueSource(ints = {1, 5})
    void onednnAndPatchMatrixPathsAgree(int minibatch) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Onednn.inBuild(), "the loaded ND4J build has no oneDNN");
        compareFloatTraining(net(true, DataType.FLOAT, false), true, net(true, DataType.FLOAT, false), false,
                uniform(8 + minibatch, DataType.FLOAT, minibatch, 2, 6, 5));
    }

    /**
     * The cnn model as the trainer builds it (flat input reshaped at the first layer, two
     * convolutions, each with LayerNorm2d and its ReLU, MaxPool, then dense and softmax layers) on
     * both paths: LayerNorm2d takes NCHW from oneDNN and the [C, N, H, W]-backed view from the patch
     * path, and both must give the same outputs, gradients and training.
     */
    @Test
    void theCnnModelTrainsAlikeOnBothPaths() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Onednn.inBuild(), "the loaded ND4J build has no oneDNN");
        var config = io.streamaug.trainer.config.TrainConfig.defaults().with(java.util.Map.of("model", "cnn", "conv_channels", "4,8",
                "hidden", "16", "norm", "layer", "dropout", "0"));
        var image = new io.streamaug.trainer.features.ImageFeatures(1, 8, 8);
        Random random = new Random(11);
        float[][] values = new float[6][64];
        for (float[] row : values) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextFloat() * 2 - 1;
            }
        }
        INDArray x = Nd4j.create(values);
        compareFloatTraining(Models.build(config, image, 3), true, Models.build(config, image, 3), false, x);
    }

    /**
     * The backward pass follows its forward pass's path, even when ND4J's helpers are switched off
     * in between (the patch path would have no patch matrix to use); and both paths' gradients agree.
     */
    @Test
    void theBackwardPassTakesTheForwardPassesPath() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Onednn.inBuild(), "the loaded ND4J build has no oneDNN");
        INDArray x = uniform(12, DataType.FLOAT, 3, 2, 6, 5);
        INDArray epsilon = uniform(13, DataType.FLOAT, 3, 3, 6, 5);
        boolean[][] settings = {{true, true}, {true, false}, {false, false}}; // helpers in the forward, in the backward pass
        float[][] results = new float[settings.length][];
        for (int run = 0; run < settings.length; run++) {
            boolean[] setting = settings[run];
            MultiLayerNetwork net = net(true, DataType.FLOAT, false);
            net.initGradientsView(); // the layers' gradient views, which fit() would make
            var layer = net.getLayer(0);
            var workspaces = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
            layer.setInput(x, workspaces);
            withHelpers(setting[0], () -> layer.activate(true, workspaces));
            var pair = withHelpers(setting[1], () -> layer.backpropGradient(epsilon, workspaces));
            float[] weights = pair.getFirst().getGradientFor("W").dup().data().asFloat();
            float[] input = pair.getSecond().dup('c').data().asFloat();
            results[run] = org.apache.commons.lang3.ArrayUtils.addAll(weights, input);
        }
        // Switched off in between, the backward pass still calls conv2d_bp, which ND4J then runs on its plain loops.
        assertThat(results[1]).containsExactly(results[0], within(1e-4f));
        assertThat(results[2]).containsExactly(results[0], within(1e-4f));
    }

    /** Runs {@code call} with ND4J's helpers allowed or not, then restores the setting. */
    private static <T> T withHelpers(boolean helpers, java.util.function.Supplier<T> call) {
        boolean before = Nd4j.getEnvironment().helpersAllowed();
        Nd4j.getEnvironment().allowHelpers(helpers);
        try {
            return call.get();
        } finally {
            Nd4j.getEnvironment().allowHelpers(before);
        }
    }

    /** Two networks with the same initial parameters, each run with its helpers setting: outputs, gradients, ten Adam steps. */
    private static void compareFloatTraining(MultiLayerNetwork a, boolean helpersA, MultiLayerNetwork b, boolean helpersB, INDArray x) {
        assertThat(a.params().data().asFloat()).containsExactly(b.params().data().asFloat()); // same init, same layout
        INDArray y = oneHot((int) x.size(0), DataType.FLOAT);
        float[] outA = withHelpers(helpersA, () -> a.output(x, false).data().asFloat());
        float[] outB = withHelpers(helpersB, () -> b.output(x, false).data().asFloat());
        assertThat(outA).containsExactly(outB, within(1e-5f));
        float[][] gradients = new float[2][];
        MultiLayerNetwork[] nets = {a, b};
        boolean[] helpers = {helpersA, helpersB};
        for (int i = 0; i < 2; i++) {
            MultiLayerNetwork net = nets[i];
            gradients[i] = withHelpers(helpers[i], () -> {
                net.setInput(x);
                net.setLabels(y);
                net.computeGradientAndScore();
                return net.gradient().gradient().data().asFloat();
            });
        }
        assertThat(gradients[0]).containsExactly(gradients[1], within(1e-5f));
        for (int i = 0; i < 2; i++) {
            MultiLayerNetwork net = nets[i];
            withHelpers(helpers[i], () -> {
                for (int step = 0; step < 10; step++) {
                    net.fit(x, y);
                }
                return null;
            });
        }
        assertThat(a.params().data().asFloat()).containsExactly(b.params().data().asFloat(), within(1e-5f));
    }

    @Test
    void savesAndLoads(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = net(true, DataType.FLOAT, false);
        INDArray x = uniform(7, DataType.FLOAT, 2, 2, 6, 5);
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(restored.getLayerWiseConfigurations().getConf(0).getLayer()).isInstanceOf(SameConvolution.class);
        assertThat(restored.output(x, false).data().asFloat()).containsExactly(net.output(x, false).data().asFloat());
    }

    @Test
    void refusesWhatItDoesNotCompute() {
        assertThatThrownBy(() -> new SameConvolution.Builder(2, 3).nOut(4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd kernel");
        assertThatThrownBy(() -> new SameConvolution.Builder(3, 3).stride(2, 2).nOut(4).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride 1");
    }
}
