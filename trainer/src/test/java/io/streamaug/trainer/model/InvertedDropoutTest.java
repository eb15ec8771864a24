package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InvertedDropoutTest {
    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    private static float[] apply(InvertedDropout dropout, INDArray x, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        return dropout.applyDropout(x, out, 0, 0, NO_WORKSPACES).dup().data().asFloat();
    }

    /**
     * Each unit is kept with probability p, to within four standard deviations over 64,000 units, and
     * a kept unit is divided by p; the gradient goes back through the same mask, scaled the same way.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.8, 0.9, 0.99})
    void keepsAFractionPOfTheUnitsDividedByPAndSendsTheGradientThroughTheSameOnes(double p) {
        InvertedDropout dropout = new InvertedDropout(p);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 1000).addi(0.5);
        float[] in = x.dup().data().asFloat();
        float[] out = apply(dropout, x, 11);
        int kept = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] != 0) {
                kept++;
                assertThat(out[i]).isCloseTo((float) (in[i] / p), within(2 * Math.ulp(out[i]))); // x·(1/p) in float
            }
        }
        double sigma = Math.sqrt(p * (1 - p) / out.length);
        assertThat((double) kept / out.length).isCloseTo(p, within(4 * sigma + 1e-9));

        INDArray gradient = Nd4j.ones(DataType.FLOAT, 64, 1000).muli(3);
        INDArray back = Nd4j.createUninitialized(DataType.FLOAT, 64, 1000);
        float[] g = dropout.backprop(gradient, back, 0, 0).data().asFloat();
        for (int i = 0; i < g.length; i++) {
            assertThat(g[i]).as("unit %d", i).isEqualTo(out[i] == 0 ? 0f : (float) (1.0 / p) * 3f);
        }
    }

    /** Neighbouring units are dropped independently: pairs of units kept together as often as p² says. */
    @Test
    void unitsAreDroppedIndependently() {
        double p = 0.5;
        float[] out = apply(new InvertedDropout(p), Nd4j.ones(DataType.FLOAT, 200_000), 3);
        int both = 0;
        for (int i = 0; i + 1 < out.length; i += 2) { // the two halves of one generator draw
            both += out[i] != 0 && out[i + 1] != 0 ? 1 : 0;
        }
        int shifted = 0;
        for (int i = 1; i + 1 < out.length; i += 2) { // across two draws
            shifted += out[i] != 0 && out[i + 1] != 0 ? 1 : 0;
        }
        double pairs = out.length / 2.0;
        double sigma = Math.sqrt(p * p * (1 - p * p) / pairs);
        assertThat(both / pairs).isCloseTo(p * p, within(4 * sigma));
        assertThat(shifted / pairs).isCloseTo(p * p, within(4 * sigma));
    }

    /** ND4J's seed decides the mask: the same seed gives the same mask, another seed and the next call another one. */
    @Test
    void nd4jsSeedMakesTheMasksReproducible() {
        InvertedDropout dropout = new InvertedDropout(0.7);
        INDArray x = Nd4j.ones(DataType.FLOAT, 1000);
        float[] first = apply(dropout, x, 5);
        assertThat(apply(dropout, x, 5)).containsExactly(first);
        assertThat(apply(dropout, x, 6)).isNotEqualTo(first);
        Nd4j.getRandom().setSeed(5);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 1000);
        dropout.applyDropout(x, out, 0, 0, NO_WORKSPACES);
        assertThat(dropout.applyDropout(x, out.dup(), 0, 0, NO_WORKSPACES).data().asFloat()).isNotEqualTo(first);
    }

    /** Doubles are DL4J's dropout itself: the same values for the same ND4J seed. */
    @Test
    void doublesAreDl4jsDropout() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 20, 30);
        Nd4j.getRandom().setSeed(9);
        INDArray ours = new InvertedDropout(0.6).applyDropout(x, x.ulike(), 0, 0, NO_WORKSPACES);
        Nd4j.getRandom().setSeed(9);
        INDArray dl4j = new Dropout(0.6).applyDropout(x, x.ulike(), 0, 0, NO_WORKSPACES);
        assertThat(ours.data().asDouble()).containsExactly(dl4j.data().asDouble());
    }

    /** The trainer's models use it on every layer after the first; a network saves and loads with it, and clones keep it. */
    @Test
    void theModelsUseItAndSaveAndLoadWithIt(@TempDir Path dir) throws Exception {
        TrainConfig config = TrainConfig.defaults().with(Map.of("dropout", "0.25", "norm", "layer"));
        MultiLayerNetwork net = Models.build(config, new ImageFeatures(1, 28, 28), 10);
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        for (int i = 1; i < conf.getConfs().size(); i++) {
            assertThat(((BaseLayer) conf.getConf(i).getLayer()).getIDropout()).isEqualTo(new InvertedDropout(0.75));
        }
        assertThat(((BaseLayer) conf.getConf(0).getLayer()).getIDropout()).isNull();
        assertThat(new InvertedDropout(0.75)).isNotEqualTo(new Dropout(0.75));
        assertThat(new Dropout(0.75)).isNotEqualTo(new InvertedDropout(0.75));
        assertThat(new InvertedDropout(0.75).clone()).isEqualTo(new InvertedDropout(0.75)).isInstanceOf(InvertedDropout.class);

        File file = dir.resolve("mlp.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(restored.getLayerWiseConfigurations()).isEqualTo(conf);
        assertThat(((BaseLayer) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getIDropout())
                .isInstanceOf(InvertedDropout.class);
        assertThat(restored.getLayerWiseConfigurations().clone()).isEqualTo(conf);
    }
}
