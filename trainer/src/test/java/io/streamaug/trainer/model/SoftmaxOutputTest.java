package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class SoftmaxOutputTest {
    private static final int IN = 7;
    private static final int CLASSES = 5;

    private static INDArray uniform(long seed, DataType type, long rows, long columns, double scale) {
        Random random = new Random(seed);
        double[] values = new double[(int) (rows * columns)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (random.nextDouble() * 2 - 1) * scale;
        }
        return Nd4j.create(values, new long[] {rows, columns}, type);
    }

    /** One-hot labels of random classes, smoothed as {@code BatchBuilder} smooths them when {@code smoothing} > 0. */
    private static INDArray labels(long seed, DataType type, int rows, int classes, double smoothing) {
        Random random = new Random(seed + 1000);
        INDArray y = Nd4j.zeros(type, rows, classes);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, random.nextInt(classes), 1.0);
        }
        return y.muli(1 - smoothing).addi(smoothing / classes);
    }

    /** The same network with DL4J's output layer in place of {@link SoftmaxOutput}: same configuration, same parameters. */
    static MultiLayerNetwork withDl4jOutput(MultiLayerNetwork net) {
        String json = net.getLayerWiseConfigurations().toJson()
                .replace("\"" + SoftmaxOutput.class.getName() + "\"", "\"" + OutputLayer.class.getName() + "\"");
        MultiLayerNetwork dl4j = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        dl4j.init();
        dl4j.setParams(net.params());
        Layer output = dl4j.getOutputLayer();
        assertThat(output).isNotInstanceOf(SoftmaxOutputImpl.class).isInstanceOf(org.deeplearning4j.nn.layers.OutputLayer.class);
        return dl4j;
    }

    /** The output layer alone, so the network's input gradient is the layer's. */
    private static MultiLayerNetwork outputOnly(DataType type, double dropout, long seed) {
        SoftmaxOutput.Builder output = new SoftmaxOutput.Builder(LossFunctions.LossFunction.MCXENT);
        output.nOut(CLASSES).activation(Activation.SOFTMAX);
        if (dropout > 0) {
            output.dropOut(1 - dropout);
        }
        var list = new NeuralNetConfiguration.Builder().seed(seed).dataType(type).updater(new NoOp())
                .weightInit(WeightInit.XAVIER).list().layer(output.build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.feedForward(IN)).build());
        net.init();
        net.setParams(uniform(seed + 7, type, 1, net.numParams(), 1.5)); // biases too, and logits far from uniform
        assertThat(net.getOutputLayer()).isInstanceOf(SoftmaxOutputImpl.class);
        return net;
    }

    private static void assertClose(INDArray actual, INDArray expected, double tolerance) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        double[] a = actual.dup('c').data().asDouble();
        double[] e = expected.dup('c').data().asDouble();
        for (int i = 0; i < e.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tolerance * Math.max(1, Math.abs(e[i]))));
        }
    }

    private static void assertGradientsClose(Gradient actual, Gradient expected) {
        assertThat(actual.gradientForVariable().keySet()).isEqualTo(expected.gradientForVariable().keySet());
        for (String key : expected.gradientForVariable().keySet()) {
            assertClose(actual.getGradientFor(key), expected.getGradientFor(key), 1e-6);
        }
    }

    @ParameterizedTest(name = "seed {0}, minibatch {1}, dropout {2}, label smoothing {3}")
    @CsvSource({"1, 1, 0, 0", "2, 32, 0, 0", "3, 1, 0.3, 0.1", "4, 32, 0.3, 0.1", "5, 32, 0, 0.1", "6, 1, 0.3, 0",
            "7, 32, 0.3, 0"})
    void outputsScoresAndGradientsEqualDl4jsOutputLayer(long seed, int minibatch, double dropout, double smoothing) {
        MultiLayerNetwork ours = outputOnly(DataType.FLOAT, dropout, seed);
        MultiLayerNetwork dl4j = withDl4jOutput(ours);
        INDArray x = uniform(seed, DataType.FLOAT, minibatch, IN, 2);
        INDArray y = labels(seed, DataType.FLOAT, minibatch, CLASSES, smoothing);
        assertClose(ours.output(x, false), dl4j.output(x, false), 1e-6);

        // A training step's gradient and score; the same seed gives both the same dropout mask.
        MultiLayerNetwork[] nets = {ours, dl4j};
        for (MultiLayerNetwork net : nets) {
            net.setInput(x);
            net.setLabels(y);
            Nd4j.getRandom().setSeed(seed);
            net.computeGradientAndScore();
        }
        assertThat(ours.score()).isCloseTo(dl4j.score(), within(1e-6 * dl4j.score()));
        assertGradientsClose(ours.gradient(), dl4j.gradient());

        // The input gradient too (through the dropout mask).
        Nd4j.getRandom().setSeed(seed);
        Pair<Gradient, INDArray> ourGradients = ours.calculateGradients(x, y, null, null);
        Nd4j.getRandom().setSeed(seed);
        Pair<Gradient, INDArray> dl4jGradients = dl4j.calculateGradients(x, y, null, null);
        assertGradientsClose(ourGradients.getFirst(), dl4jGradients.getFirst());
        assertClose(ourGradients.getSecond(), dl4jGradients.getSecond(), 1e-6);

        // Scores of a data set, in inference and in training mode (the latter with dropout).
        DataSet data = new DataSet(x, y);
        assertThat(ours.score(data, false)).isCloseTo(dl4j.score(data, false), within(1e-6 * dl4j.score(data, false)));
        Nd4j.getRandom().setSeed(seed);
        double ourTraining = ours.score(data, true);
        Nd4j.getRandom().setSeed(seed);
        assertThat(ourTraining).isCloseTo(dl4j.score(data, true), within(1e-6 * ourTraining));
    }

    /**
     * The trainer's MLP with the default recipe (layer norm, dropout, Adam with L2, label smoothing in
     * the targets), its dropout masks drawn from the same seed: the loss of every step equals that of
     * the same network with DL4J's output layer.
     */
    @ParameterizedTest(name = "minibatch {0}")
    @CsvSource({"1", "32"})
    void seededTrainingLossEqualsDl4jsOutputLayer(int minibatch) {
        TrainConfig config = TrainConfig.defaults().with(Map.of("hidden", "32,16"));
        assertThat(config.regularisation().dropout()).isPositive();
        assertThat(config.regularisation().weightDecay()).isPositive();
        MultiLayerNetwork ours = Models.build(config, new ImageFeatures(1, 6, 6), 4);
        MultiLayerNetwork dl4j = withDl4jOutput(ours);
        assertThat(ours.getOutputLayer()).isInstanceOf(SoftmaxOutputImpl.class);
        INDArray x = uniform(minibatch, DataType.FLOAT, minibatch, 36, 1);
        INDArray y = labels(minibatch, DataType.FLOAT, minibatch, 4, config.regularisation().labelSmoothing());
        double[][] losses = new double[2][50];
        MultiLayerNetwork[] nets = {ours, dl4j};
        for (int n = 0; n < 2; n++) {
            Nd4j.getRandom().setSeed(11);
            for (int step = 0; step < losses[n].length; step++) {
                nets[n].fit(x, y);
                losses[n][step] = nets[n].score();
            }
        }
        assertThat(losses[0][49]).isLessThan(losses[0][0] * 0.97); // it learns (slowly at minibatch 1)
        assertThat(losses[0]).containsExactly(losses[1], within(1e-5));
        assertThat(ours.params().data().asFloat()).containsExactly(dl4j.params().data().asFloat(), within(1e-5f));
    }

    /**
     * After training steps, the score of a data set is computed afresh at the updated parameters, not
     * the loss the last step kept (which belongs to the parameters before the update).
     */
    @Test
    void scoreOfADataSetAfterTrainingIsComputedAfresh() {
        MultiLayerNetwork ours = Models.build(TrainConfig.defaults().with(Map.of("hidden", "32,16")), new ImageFeatures(1, 6, 6), 4);
        INDArray x = uniform(1, DataType.FLOAT, 8, 36, 1);
        INDArray y = labels(1, DataType.FLOAT, 8, 4, 0.1);
        for (int step = 0; step < 3; step++) {
            ours.fit(x, y);
        }
        double lastStep = ours.score();
        MultiLayerNetwork fresh = withDl4jOutput(ours);
        DataSet same = new DataSet(x, y);
        DataSet other = new DataSet(uniform(2, DataType.FLOAT, 8, 36, 1), labels(2, DataType.FLOAT, 8, 4, 0));
        double expected = fresh.score(same, false);
        assertThat(expected).isNotCloseTo(lastStep, within(1e-4)); // so the kept loss would fail the next line
        assertThat(ours.score(same, false)).isCloseTo(expected, within(1e-6));
        assertThat(ours.score(other, false)).isCloseTo(fresh.score(other, false), within(1e-6));
        Nd4j.getRandom().setSeed(5);
        double training = ours.score(same, true);
        Nd4j.getRandom().setSeed(5);
        assertThat(training).isCloseTo(fresh.score(same, true), within(1e-6));
    }

    /**
     * The loss a backward pass keeps is what the next training score returns, without a second forward
     * pass (changing the input array in place, which DL4J never does between the two, does not change
     * it); anything that could change the loss through the layer, or a score in inference mode,
     * computes it afresh.
     */
    @Test
    void theKeptLossServesOnlyTheScoreOfTheSameStep() {
        MultiLayerNetwork net = outputOnly(DataType.FLOAT, 0, 3);
        MultiLayerNetwork dl4j = withDl4jOutput(net);
        INDArray x = uniform(4, DataType.FLOAT, 6, IN, 2);
        INDArray y = labels(4, DataType.FLOAT, 6, CLASSES, 0);
        for (MultiLayerNetwork n : new MultiLayerNetwork[] {net, dl4j}) {
            n.setInput(x);
            n.setLabels(y);
            n.computeGradientAndScore(); // sets up the gradient views
        }
        IOutputLayer ours = (IOutputLayer) net.getOutputLayer();
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        ToDoubleFunction<INDArray> dl4jScore = input -> {
            IOutputLayer theirs = (IOutputLayer) dl4j.getOutputLayer();
            theirs.setInput(input.dup(), none);
            theirs.setLabels(ours.getLabels());
            theirs.setParams(ours.params());
            return theirs.computeScore(0.25, true, none);
        };

        ours.setInput(x.dup(), none);
        ours.setLabels(y);
        ours.backpropGradient(null, none);
        ours.input().assign(0); // a recomputation would see all-zero inputs
        assertThat(ours.computeScore(0.25, true, none)).isCloseTo(dl4jScore.applyAsDouble(x), within(1e-6));
        double zeros = dl4jScore.applyAsDouble(x.mul(0));
        assertThat(zeros).isNotCloseTo(dl4jScore.applyAsDouble(x), within(1e-3));
        assertThat(ours.computeScore(0.25, true, none)).isCloseTo(zeros, within(1e-6)); // the kept loss is used once

        INDArray other = uniform(5, DataType.FLOAT, 6, IN, 2);
        ours.setInput(x.dup(), none);
        ours.backpropGradient(null, none);
        ours.activate(other.dup(), false, none); // a plain forward pass
        assertThat(ours.computeScore(0.25, true, none)).isCloseTo(dl4jScore.applyAsDouble(other), within(1e-6));

        ours.setInput(x.dup(), none);
        ours.backpropGradient(null, none);
        ours.setLabels(labels(9, DataType.FLOAT, 6, CLASSES, 0.1));
        assertThat(ours.computeScore(0.25, true, none)).isCloseTo(dl4jScore.applyAsDouble(x), within(1e-6));

        ours.backpropGradient(null, none);
        ours.setParams(uniform(10, DataType.FLOAT, 1, ours.numParams(), 1));
        assertThat(ours.computeScore(0.25, true, none)).isCloseTo(dl4jScore.applyAsDouble(x), within(1e-6));

        ours.backpropGradient(null, none);
        ours.input().muli(0.5);
        assertThat(ours.computeScore(0.25, false, none)).isCloseTo(dl4jScore.applyAsDouble(x.mul(0.5)), within(1e-6));
    }

    @Test
    void gradientsMatchFiniteDifferencesInDoublePrecision() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            var list = new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.DOUBLE).updater(new NoOp())
                    .weightInit(WeightInit.XAVIER).list()
                    .layer(new Dense.Builder().nOut(6).activation(Activation.TANH).build())
                    .layer(new SoftmaxOutput.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES).activation(Activation.SOFTMAX)
                            .build());
            MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.feedForward(IN)).build());
            net.init();
            assertThat(net.getOutputLayer()).isInstanceOf(SoftmaxOutputImpl.class);
            for (double smoothing : new double[] {0, 0.1}) {
                assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                        .input(uniform(5, DataType.DOUBLE, 4, IN, 1)).labels(labels(5, DataType.DOUBLE, 4, CLASSES, smoothing))
                        .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9))).isTrue();
            }
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    /** The float path (the trainer's) equals the double path that the finite-difference check covers, to float precision. */
    @Test
    void theFloatPathMatchesTheFiniteDifferenceCheckedDoublePath() {
        MultiLayerNetwork inDouble = outputOnly(DataType.DOUBLE, 0, 8);
        MultiLayerNetwork inFloat = outputOnly(DataType.FLOAT, 0, 8);
        inFloat.setParams(inDouble.params().castTo(DataType.FLOAT));
        INDArray x = uniform(12, DataType.DOUBLE, 9, IN, 2);
        INDArray y = labels(12, DataType.DOUBLE, 9, CLASSES, 0.1);
        Pair<Gradient, INDArray> doubles = inDouble.calculateGradients(x, y, null, null);
        Pair<Gradient, INDArray> floats = inFloat.calculateGradients(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT), null, null);
        assertGradientsClose(floats.getFirst(), doubles.getFirst());
        assertClose(floats.getSecond(), doubles.getSecond(), 1e-6);
    }

    /** Networks saved with this layer load with it; networks saved with DL4J's output layer keep that one. */
    @Test
    void savesAndLoads(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = Models.build(TrainConfig.defaults().with(Map.of("hidden", "16")), new ImageFeatures(1, 6, 6), 3);
        INDArray x = uniform(7, DataType.FLOAT, 3, 36, 1);
        INDArray y = labels(7, DataType.FLOAT, 3, 3, 0.1);
        net.fit(x, y);
        MultiLayerNetwork old = withDl4jOutput(net);
        old.fit(x, y);
        net.fit(x, y);
        for (MultiLayerNetwork saved : new MultiLayerNetwork[] {net, old}) {
            File file = dir.resolve(saved == net ? "net.zip" : "old.zip").toFile();
            ModelSerializer.writeModel(saved, file, true);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
            assertThat(restored.getOutputLayer().getClass()).isEqualTo(saved.getOutputLayer().getClass());
            assertThat(restored.getLayerWiseConfigurations().toJson()).isEqualTo(saved.getLayerWiseConfigurations().toJson());
            assertThat(restored.output(x, false).data().asFloat()).containsExactly(saved.output(x, false).data().asFloat());
            assertThat(restored.getUpdater().getStateViewArray().data().asFloat())
                    .containsExactly(saved.getUpdater().getStateViewArray().data().asFloat());
            Nd4j.getRandom().setSeed(3);
            restored.fit(x, y);
            Nd4j.getRandom().setSeed(3);
            saved.fit(x, y);
            assertThat(restored.score()).isEqualTo(saved.score());
        }
    }

    /**
     * Through the trainer's checkpoints: the format-1 fixture (saved with DL4J's output layer) loads
     * with DL4J's layer and trains on; a checkpoint of a network built now round-trips with this one.
     */
    @Test
    void checkpointsKeepTheirOutputLayer(@TempDir Path root) throws Exception {
        Path fixture = Path.of(SoftmaxOutputTest.class.getResource("/checkpoints/v1-mlp/step-000000005/state.json").toURI()).getParent();
        Checkpoint.Loaded old = Checkpoint.load(fixture);
        assertThat(old.net().getLayerWiseConfigurations().getConf(1).getLayer().getClass()).isEqualTo(OutputLayer.class);
        assertThat(old.net().getOutputLayer()).isNotInstanceOf(SoftmaxOutputImpl.class);
        INDArray x = uniform(3, DataType.FLOAT, 4, 16, 1);
        INDArray y = labels(3, DataType.FLOAT, 4, 2, 0.1);
        old.net().fit(x, y);
        assertThat(old.net().score()).isFinite();

        MultiLayerNetwork net = Models.build(old.state().trainConfig(), old.state().features(), 2);
        assertThat(net.getOutputLayer()).isInstanceOf(SoftmaxOutputImpl.class);
        net.fit(x, y);
        Path dir = Checkpoint.write(root, old.state(), net, old.buffer(), null);
        MultiLayerNetwork restored = Checkpoint.load(dir).net();
        assertThat(restored.getLayerWiseConfigurations().getConf(1).getLayer()).isInstanceOf(SoftmaxOutput.class);
        assertThat(restored.getOutputLayer()).isInstanceOf(SoftmaxOutputImpl.class);
        assertThat(restored.params().data().asFloat()).containsExactly(net.params().data().asFloat());
        assertThat(restored.getUpdater().getStateViewArray().data().asFloat())
                .containsExactly(net.getUpdater().getStateViewArray().data().asFloat());
        restored.fit(x, y);
        net.fit(x, y);
        assertThat(restored.score()).isEqualTo(net.score());
    }
}
