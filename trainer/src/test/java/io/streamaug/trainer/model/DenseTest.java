package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class DenseTest {
    private static INDArray uniform(long seed, DataType type, long rows, long columns) {
        Random random = new Random(seed);
        double[] values = new double[(int) (rows * columns)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return Nd4j.create(values, new long[] {rows, columns}, type);
    }

    private static INDArray oneHot(int rows, int classes, DataType type) {
        INDArray y = Nd4j.zeros(type, rows, classes);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, (i * 7) % classes, 1.0);
        }
        return y;
    }

    /** The same network with DL4J's dense layers in place of {@link Dense}: same configuration, same initial parameters. */
    static MultiLayerNetwork withDl4jDense(MultiLayerNetwork net) {
        String json = net.getLayerWiseConfigurations().toJson()
                .replace("\"" + Dense.class.getName() + "\"", "\"" + DenseLayer.class.getName() + "\"");
        MultiLayerNetwork dl4j = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        dl4j.init();
        return dl4j;
    }

    /**
     * Dense with layer norm and tanh, then dense without layer norm, then softmax: the second layer's
     * input gradient (through a layer norm of the first) reaches the first layer's parameters.
     */
    private static MultiLayerNetwork net(DataType type, boolean noOp) {
        var list = new NeuralNetConfiguration.Builder().seed(4).dataType(type).updater(noOp ? new NoOp() : new Adam(1e-2))
                .weightInit(WeightInit.XAVIER).l2(noOp ? 0 : 1e-3).list()
                .layer(new Dense.Builder().nOut(6).activation(Activation.TANH).hasLayerNorm(true).build())
                .layer(new Dense.Builder().nOut(5).activation(Activation.TANH).biasInit(0.1).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.feedForward(7)).build());
        net.init();
        return net;
    }

    @Test
    void gradientsMatchFiniteDifferencesInDoublePrecision() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = net(DataType.DOUBLE, true);
            assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                    .input(uniform(5, DataType.DOUBLE, 4, 7)).labels(oneHot(4, 3, DataType.DOUBLE))
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9))).isTrue();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    /**
     * In float the layer norm runs as Java loops over copies of the arrays ({@link RowNorm}), in other
     * types as ND4J ops, the path the finite-difference check above covers: from the same parameters
     * the two give the same outputs and gradients to float precision.
     */
    @Test
    void theFloatPathMatchesTheFiniteDifferenceCheckedDoublePath() {
        MultiLayerNetwork inDouble = net(DataType.DOUBLE, true);
        MultiLayerNetwork inFloat = net(DataType.FLOAT, true);
        inFloat.setParams(inDouble.params().castTo(DataType.FLOAT));
        INDArray x = uniform(10, DataType.DOUBLE, 6, 7);
        INDArray y = oneHot(6, 3, DataType.DOUBLE);
        assertThat(inFloat.output(x.castTo(DataType.FLOAT), false).data().asFloat())
                .containsExactly(inDouble.output(x, false).data().asFloat(), within(1e-6f));
        inDouble.setInput(x);
        inDouble.setLabels(y);
        inDouble.computeGradientAndScore();
        inFloat.setInput(x.castTo(DataType.FLOAT));
        inFloat.setLabels(y.castTo(DataType.FLOAT));
        inFloat.computeGradientAndScore();
        assertThat(inFloat.gradient().gradient().data().asFloat())
                .containsExactly(inDouble.gradient().gradient().data().asFloat(), within(1e-5f));
    }

    /** Two dense layers with layer norm and {@code relu}, then softmax. */
    private static MultiLayerNetwork reluNet(org.nd4j.linalg.activations.IActivation relu) {
        var list = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT).updater(new Adam(1e-2))
                .weightInit(WeightInit.RELU).l2(1e-3).list()
                .layer(new Dense.Builder().nOut(12).activation(relu).hasLayerNorm(true).build())
                .layer(new Dense.Builder().nOut(8).activation(relu).hasLayerNorm(true).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.feedForward(7)).build());
        net.init();
        return net;
    }

    /**
     * With layer norm in float a plain ReLU is computed in Java on the layer's copies (forward and
     * backward); ND4J computes the same function when a threshold of 0 is given explicitly. Outputs,
     * gradients and 20 training steps agree bit for bit, and match DL4J's dense layer.
     */
    @Test
    void reluOnTheLayerNormCopiesIsNd4jsRelu() {
        MultiLayerNetwork java = reluNet(new org.nd4j.linalg.activations.impl.ActivationReLU());
        MultiLayerNetwork nd4j = reluNet(new org.nd4j.linalg.activations.impl.ActivationReLU(null, 0.0, null));
        MultiLayerNetwork dl4j = withDl4jDense(java);
        INDArray x = uniform(3, DataType.FLOAT, 16, 7);
        INDArray y = oneHot(16, 3, DataType.FLOAT);
        assertThat(java.output(x, false).data().asFloat()).containsExactly(nd4j.output(x, false).data().asFloat());
        for (int step = 0; step < 20; step++) {
            for (MultiLayerNetwork net : new MultiLayerNetwork[] {java, nd4j, dl4j}) {
                net.fit(x, y);
            }
            assertThat(java.gradient().gradient().data().asFloat()).containsExactly(nd4j.gradient().gradient().data().asFloat());
        }
        assertThat(java.params().data().asFloat()).containsExactly(nd4j.params().data().asFloat());
        assertThat(java.params().data().asFloat()).containsExactly(dl4j.params().data().asFloat(), within(1e-4f));
        assertThat(java.output(x, false).data().asFloat()).isNotEqualTo(reluNet(new org.nd4j.linalg.activations.impl.ActivationReLU())
                .output(x, false).data().asFloat()); // it trained
    }

    @Test
    void outputsGradientsAndTrainingEqualDl4jsDenseLayer() {
        MultiLayerNetwork dense = net(DataType.FLOAT, false);
        MultiLayerNetwork dl4j = withDl4jDense(dense);
        assertThat(dl4j.getLayer(0)).isNotInstanceOf(DenseImpl.class);
        assertThat(dense.params().data().asFloat()).containsExactly(dl4j.params().data().asFloat());
        INDArray x = uniform(6, DataType.FLOAT, 5, 7);
        INDArray y = oneHot(5, 3, DataType.FLOAT);
        assertThat(dense.output(x, false).data().asFloat()).containsExactly(dl4j.output(x, false).data().asFloat(), within(1e-6f));
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {dense, dl4j}) {
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
        }
        assertThat(dense.score()).isCloseTo(dl4j.score(), within(1e-6));
        assertThat(dense.gradient().gradient().data().asFloat())
                .containsExactly(dl4j.gradient().gradient().data().asFloat(), within(1e-5f));
        for (int step = 0; step < 10; step++) {
            dense.fit(x, y);
            dl4j.fit(x, y);
        }
        assertThat(dense.params().data().asFloat()).containsExactly(dl4j.params().data().asFloat(), within(1e-5f));
    }

    /**
     * The trainer's MLP with the default recipe (layer norm, dropout 0.1, Adam with L2, label smoothing
     * in the targets), its dropout masks drawn from the same seed: the loss of every step equals that of
     * DL4J's dense layers to within float rounding.
     */
    @Test
    void seededTrainingLossEqualsDl4jsDenseLayer() {
        TrainConfig config = TrainConfig.defaults().with(Map.of("norm", "layer", "hidden", "32,16"));
        MultiLayerNetwork dense = Models.build(config, new ImageFeatures(1, 6, 6), 4);
        MultiLayerNetwork dl4j = withDl4jDense(dense);
        assertThat(dense.getLayer(0)).isInstanceOf(DenseImpl.class);
        INDArray x = uniform(8, DataType.FLOAT, 16, 36);
        INDArray y = oneHot(16, 4, DataType.FLOAT).muli(0.9).addi(0.1 / 4);
        double[][] losses = new double[2][40];
        MultiLayerNetwork[] nets = {dense, dl4j};
        for (int n = 0; n < 2; n++) {
            Nd4j.getRandom().setSeed(11);
            for (int step = 0; step < losses[n].length; step++) {
                nets[n].fit(x, y);
                losses[n][step] = nets[n].score();
            }
        }
        assertThat(losses[0][39]).isLessThan(losses[0][0] * 0.8); // it learns
        assertThat(losses[0]).containsExactly(losses[1], within(1e-4));
    }

    @Test
    void onlyTheFirstLayerSkipsItsInputGradient() {
        MultiLayerNetwork net = net(DataType.FLOAT, false);
        net.setInput(uniform(7, DataType.FLOAT, 2, 7));
        net.setLabels(oneHot(2, 3, DataType.FLOAT));
        net.computeGradientAndScore(); // sets up the gradient views
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        var first = net.getLayer(0);
        first.activate(uniform(8, DataType.FLOAT, 2, 7), true, none);
        assertThat(first.backpropGradient(Nd4j.ones(DataType.FLOAT, 2, 6), none).getSecond()).isNull();
        var second = net.getLayer(1);
        second.activate(uniform(9, DataType.FLOAT, 2, 6), true, none);
        assertThat(second.backpropGradient(Nd4j.ones(DataType.FLOAT, 2, 5), none).getSecond().shape()).containsExactly(2, 6);
    }

    @Test
    void savesAndLoads(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = net(DataType.FLOAT, false);
        INDArray x = uniform(7, DataType.FLOAT, 3, 7);
        net.fit(x, oneHot(3, 3, DataType.FLOAT));
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(restored.getLayerWiseConfigurations().getConf(0).getLayer()).isInstanceOf(Dense.class);
        assertThat(((DenseLayer) restored.getLayerWiseConfigurations().getConf(0).getLayer()).hasLayerNorm()).isTrue();
        assertThat(restored.output(x, false).data().asFloat()).containsExactly(net.output(x, false).data().asFloat());
        assertThat(restored.getUpdater().getStateViewArray().data().asFloat())
                .containsExactly(net.getUpdater().getStateViewArray().data().asFloat());
    }
}
