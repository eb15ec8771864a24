package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.IdxImages;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.BatchBuilder;
import io.streamaug.trainer.core.Learner;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The lecture's point, on real images (the bundled Fashion-MNIST subset): at minibatch 1 layer
 * norm learns, batch norm does not — a batch of one has no variance to normalise by.
 */
class NormAtMinibatchOneTest {
    private static final int TRAIN = 1500;
    private static final int TEST = 500;

    @Test
    void layerNormLearnsOnlineWhileBatchNormStaysNearChance() {
        FashionMnist.Source source = FashionMnist.load(null, true, 0);
        List<PreparedSample> train = samples(source.train(), TRAIN);
        List<PreparedSample> test = samples(source.test(), TEST);
        double layer = accuracyAfterOnlineTraining("layer", train, test);
        double batch = accuracyAfterOnlineTraining("batch", train, test);
        assertThat(layer).as("layer norm, minibatch 1, %d samples", TRAIN).isGreaterThan(0.6);
        assertThat(batch).as("batch norm, minibatch 1, %d samples", TRAIN).isLessThan(0.3);
    }

    private static double accuracyAfterOnlineTraining(String norm, List<PreparedSample> train, List<PreparedSample> test) {
        TrainConfig config = TrainConfig.defaults().with(Map.of("norm", norm, "batch_size", "1", "dropout", "0",
                "label_smoothing", "0"));
        try (Learner steps = Learner.create(config, 10, train.get(0))) {
            for (PreparedSample sample : train) {
                steps.fit(List.of(sample));
            }
            BatchBuilder builder = new BatchBuilder(new ImageFeatures(1, 28, 28), 10, 0);
            DataSet data = builder.build(test);
            try (INDArray predicted = steps.network().output(data.getFeatures(), false).argMax(1)) {
                int[] classes = predicted.toIntVector();
                int correct = 0;
                for (int i = 0; i < classes.length; i++) {
                    if (classes[i] == ((Label.Hard) test.get(i).label()).index()) {
                        correct++;
                    }
                }
                return (double) correct / classes.length;
            }
        }
    }

    private static List<PreparedSample> samples(IdxImages images, int count) {
        List<PreparedSample> out = new ArrayList<>();
        float[] scale = {1f / (255 * FashionMnist.STD)};
        float[] offset = {-FashionMnist.MEAN / FashionMnist.STD};
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[28 * 28];
            images.copyImage(i, pixels);
            out.add(new PreparedSample("f" + i, FashionMnist.NAME, Split.TRAIN, 0, 0, 1,
                    Tensor.uint8(1, 28, 28, pixels, scale, offset), Label.of(images.label(i)), List.of()));
        }
        return out;
    }
}
