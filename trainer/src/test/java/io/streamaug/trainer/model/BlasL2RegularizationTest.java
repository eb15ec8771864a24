package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L2Regularization;

class BlasL2RegularizationTest {
    private static final TrainConfig MLP = TrainConfig.defaults().with(Map.of("norm", "layer", "hidden", "24,16", "weight_decay", "0.01"));

    private static MultiLayerNetwork withNd4jL2(MultiLayerNetwork net) {
        String json = net.getLayerWiseConfigurations().toJson()
                .replace("\"" + BlasL2Regularization.class.getName() + "\"", "\"" + L2Regularization.class.getName() + "\"");
        MultiLayerNetwork twin = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        twin.init();
        return twin;
    }

    /**
     * The MLP with the default recipe and a strong weight decay (1e-2), dropout masks from the same seed:
     * every step's loss, L2 penalty included, and the parameters after 30 steps are those with ND4J's L2 to float rounding.
     */
    @Test
    void lossAndParametersAreThoseOfNd4jsL2() {
        MultiLayerNetwork blas = Models.build(MLP, new ImageFeatures(1, 20, 20), 4);
        MultiLayerNetwork nd4j = withNd4jL2(blas);
        assertThat(((BaseLayer) blas.getLayerWiseConfigurations().getConf(0).getLayer()).getRegularization())
                .singleElement().isInstanceOf(BlasL2Regularization.class);
        assertThat(((BaseLayer) nd4j.getLayerWiseConfigurations().getConf(0).getLayer()).getRegularization().get(0).getClass())
                .isEqualTo(L2Regularization.class);
        assertThat(((BaseLayer) blas.getLayerWiseConfigurations().getConf(0).getLayer()).getRegularizationBias()).isEmpty();
        Random random = new Random(2);
        double[] values = new double[8 * 400];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        INDArray x = Nd4j.create(values, new long[] {8, 400}, DataType.FLOAT);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 4).addi(0.25);
        double[][] losses = new double[2][30];
        MultiLayerNetwork[] nets = {blas, nd4j};
        for (int n = 0; n < 2; n++) {
            Nd4j.getRandom().setSeed(5);
            for (int step = 0; step < 30; step++) {
                nets[n].fit(x, y);
                losses[n][step] = nets[n].score();
            }
        }
        // The penalty is a sum of squares in float, accumulated in a different order: equal to about 1e-6 of itself.
        assertThat(blas.calcRegularizationScore(true)).isCloseTo(nd4j.calcRegularizationScore(true), withinPercentage(5e-4))
                .isGreaterThan(0.1);
        assertThat(losses[0]).containsExactly(losses[1], within(5e-6));
        assertThat(blas.params().data().asFloat()).containsExactly(nd4j.params().data().asFloat(), within(1e-6f));
    }

    @Test
    void survivesTheNetworksJson() {
        MultiLayerNetwork net = Models.build(MLP, new ImageFeatures(1, 20, 20), 4);
        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        assertThat(((BaseLayer) restored.getConf(0).getLayer()).getRegularization())
                .containsExactly(new BlasL2Regularization(0.01))
                .singleElement().isInstanceOf(BlasL2Regularization.class);
    }
}
