package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class MaxPoolTest {
    /** Max-pooling then softmax over an h×w×3 image. */
    private static MultiLayerNetwork net(int h, int w) {
        var list = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.FLOAT).updater(new Adam(1e-2))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new MaxPool.Builder().kernelSize(2, 2).stride(2, 2).build())
                .layer(new SoftmaxOutput.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.convolutional(h, w, 3)).build());
        net.init();
        return net;
    }

    /** The same network with DL4J's subsampling layer: same configuration, same parameters. */
    private static MultiLayerNetwork withDl4jPooling(MultiLayerNetwork net) {
        String json = net.getLayerWiseConfigurations().toJson()
                .replace("\"" + MaxPool.class.getName() + "\"", "\"" + SubsamplingLayer.class.getName() + "\"");
        MultiLayerNetwork dl4j = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        dl4j.init();
        return dl4j;
    }

    private static final float[] SIGNED_ZEROS = {-0f, 0f, -1f};

    /**
     * Images whose values repeat a lot when {@code levels} is small, so windows hold equal maxima; for
     * {@code levels} −1, −0, +0 and −1, so that −0 and +0 tie; for 0, Gaussian.
     */
    private static INDArray images(long seed, int n, int h, int w, int levels) {
        Random random = new Random(seed);
        float[] values = new float[n * 3 * h * w];
        for (int i = 0; i < values.length; i++) {
            values[i] = levels > 0 ? random.nextInt(levels) : levels < 0 ? SIGNED_ZEROS[random.nextInt(3)] : (float) random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {n, 3, h, w}, 'c');
    }

    private static INDArray labels(int n) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 4);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 4, 1.0);
        }
        return y;
    }

    /**
     * Outputs and input gradients equal DL4J's bit for bit, ties included (levels 2 and 3: most windows
     * tie; −1: −0 ties +0). Levels 2 and 3 have no negative values, which the pooling takes its shorter path for.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 2, 3, -1})
    void outputsAndGradientsAreDl4jsBitForBit(int levels) {
        MultiLayerNetwork ours = net(6, 8);
        MultiLayerNetwork dl4j = withDl4jPooling(ours);
        assertThat(ours.getLayer(0)).isInstanceOf(MaxPoolImpl.class);
        assertThat(dl4j.getLayer(0)).isNotInstanceOf(MaxPoolImpl.class);
        for (int seed = 0; seed < 5; seed++) {
            INDArray x = images(seed, 5, 6, 8, levels);
            assertThat(ours.output(x, false).data().asFloat()).containsExactly(dl4j.output(x, false).data().asFloat());
            var a = ours.calculateGradients(x, labels(5), null, null);
            var b = dl4j.calculateGradients(x, labels(5), null, null);
            assertThat(a.getSecond().data().asFloat()).containsExactly(b.getSecond().data().asFloat());
            assertThat(a.getFirst().gradient().data().asFloat()).containsExactly(b.getFirst().gradient().data().asFloat());
            float[] dx = a.getSecond().data().asFloat();
            int nonZero = 0;
            for (float v : dx) {
                nonZero += v != 0 ? 1 : 0;
            }
            assertThat(nonZero).as("one element per window gets the gradient").isLessThanOrEqualTo(dx.length / 4).isPositive();
        }
    }

    /** Odd sizes are DL4J's own computation, unchanged. */
    @Test
    void oddSizesFallBackToDl4j() {
        MultiLayerNetwork ours = net(7, 5);
        MultiLayerNetwork dl4j = withDl4jPooling(ours);
        INDArray x = images(1, 2, 7, 5, 0);
        assertThat(ours.output(x, false).data().asFloat()).containsExactly(dl4j.output(x, false).data().asFloat());
        assertThat(ours.calculateGradients(x, labels(2), null, null).getSecond().data().asFloat())
                .containsExactly(dl4j.calculateGradients(x, labels(2), null, null).getSecond().data().asFloat());
    }

    /** The cnn model pools with it, and trains as with DL4J's layer, step for step. */
    @Test
    void theCnnTrainsAsWithDl4jsPooling() {
        TrainConfig cnn = TrainConfig.defaults().with(Map.of("model", "cnn", "conv_channels", "4,8", "hidden", "16", "norm", "layer",
                "dropout", "0"));
        MultiLayerNetwork ours = Models.build(cnn, new ImageFeatures(1, 12, 12), 4);
        MultiLayerNetwork dl4j = withDl4jPooling(ours);
        assertThat(ours.getLayers()).filteredOn(l -> l instanceof MaxPoolImpl).hasSize(2);
        for (int step = 0; step < 10; step++) {
            INDArray x = images(step, 6, 12, 12, 0).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup().reshape(6, 144);
            ours.fit(x, labels(6));
            dl4j.fit(x, labels(6));
        }
        assertThat(ours.params().data().asFloat()).containsExactly(dl4j.params().data().asFloat());
    }

    /** The keys order as the floats do under {@code >}, −0 equal to +0, over many random pairs and the edge values. */
    @Test
    void keysOrderAsTheFloats() {
        Random random = new Random(5);
        float[] edges = {-0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 1f, -1f, Float.MIN_NORMAL, -Float.MIN_NORMAL};
        for (int i = 0; i < 200_000; i++) {
            float a = i < edges.length * edges.length ? edges[i % edges.length] : Float.intBitsToFloat(random.nextInt());
            float b = i < edges.length * edges.length ? edges[i / edges.length] : random.nextBoolean() ? Float.intBitsToFloat(random.nextInt()) : a;
            if (Float.isNaN(a) || Float.isNaN(b)) {
                continue;
            }
            assertThat(MaxPoolImpl.key(a) > MaxPoolImpl.key(b)).as("%s > %s", a, b).isEqualTo(a > b);
            assertThat(MaxPoolImpl.key(a) == MaxPoolImpl.key(b)).as("%s == %s", a, b).isEqualTo(a == b);
        }
    }
}
