package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class VectorisedAdamTest {
    /** 400 inputs, hidden 24 and 16, 4 classes: 10,132 parameters, more than one chunk of the update. */
    private static final TrainConfig MLP = TrainConfig.defaults().with(Map.of("norm", "layer", "hidden", "24,16"));
    private static final ImageFeatures IMAGES = new ImageFeatures(1, 20, 20);

    private static INDArray inputs(long seed, int rows, DataType type) {
        Random random = new Random(seed);
        double[] values = new double[rows * 400];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {rows, 400}, type);
    }

    private static INDArray targets(int rows, DataType type) {
        INDArray y = Nd4j.zeros(type, rows, 4).addi(0.025);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, (i * 3) % 4, 0.925);
        }
        return y;
    }

    /** The same network with ND4J's Adam in place of this one: same configuration, same initial parameters. */
    private static MultiLayerNetwork withNd4jAdam(MultiLayerNetwork net) {
        String json = net.getLayerWiseConfigurations().toJson()
                .replace("\"" + VectorisedAdam.class.getName() + "\"", "\"" + Adam.class.getName() + "\"");
        MultiLayerNetwork twin = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        twin.init();
        return twin;
    }

    private static void train(MultiLayerNetwork net, int steps, DataType type) {
        Nd4j.getRandom().setSeed(5); // the same dropout masks for both networks
        for (int step = 0; step < steps; step++) {
            net.fit(inputs(step % 3, 8, type), targets(8, type));
        }
    }

    /** The MLP with the default recipe: every parameter, m and v equal ND4J's Adam's bit for bit after 30 steps. */
    @Test
    void parametersAndStateAreThoseOfNd4jsAdamBitForBit() {
        MultiLayerNetwork vectorised = Models.build(MLP, IMAGES, 4);
        MultiLayerNetwork nd4j = withNd4jAdam(vectorised);
        assertThat(((BaseLayer) vectorised.getLayerWiseConfigurations().getConf(0).getLayer()).getIUpdater())
                .isInstanceOf(VectorisedAdam.class);
        assertThat(((BaseLayer) nd4j.getLayerWiseConfigurations().getConf(0).getLayer()).getIUpdater().getClass())
                .isEqualTo(Adam.class);
        assertThat(vectorised.numParams()).isGreaterThan(VectorisedAdam.CHUNK);
        train(vectorised, 30, DataType.FLOAT);
        train(nd4j, 30, DataType.FLOAT);
        assertThat(vectorised.params().data().asFloat()).containsExactly(nd4j.params().data().asFloat());
        assertThat(vectorised.getUpdater().getStateViewArray().data().asFloat())
                .containsExactly(nd4j.getUpdater().getStateViewArray().data().asFloat());
        assertThat(vectorised.score()).isEqualTo(nd4j.score());
    }

    @Test
    void doublePrecisionNetworksFallBackToNd4jsOp() {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork vectorised = Models.build(MLP.with(Map.of("dropout", "0")), IMAGES, 4);
            MultiLayerNetwork nd4j = withNd4jAdam(vectorised);
            train(vectorised, 5, DataType.DOUBLE);
            train(nd4j, 5, DataType.DOUBLE);
            assertThat(vectorised.params().data().asDouble()).containsExactly(nd4j.params().data().asDouble());
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    @Test
    void savedWithItsStateAndTrainsOnAlike(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = Models.build(MLP, IMAGES, 4);
        train(net, 3, DataType.FLOAT);
        File file = dir.resolve("net.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(((BaseLayer) restored.getLayerWiseConfigurations().getConf(0).getLayer()).getIUpdater())
                .isEqualTo(((BaseLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).getIUpdater())
                .isInstanceOf(VectorisedAdam.class);
        assertThat(restored.getUpdater().getStateViewArray().data().asFloat())
                .containsExactly(net.getUpdater().getStateViewArray().data().asFloat());
        train(net, 2, DataType.FLOAT);
        train(restored, 2, DataType.FLOAT);
        assertThat(restored.params().data().asFloat()).containsExactly(net.params().data().asFloat());
    }
}
