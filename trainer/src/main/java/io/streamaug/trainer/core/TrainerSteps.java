package io.streamaug.trainer.core;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.model.Models;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A network and its batch builder, stepped without Kafka: what the trainer does per minibatch. For
 * benchmarks and tests of the recipe.
 */
public final class TrainerSteps implements AutoCloseable {
    private final MultiLayerNetwork net;
    private final BatchBuilder batches;

    /** @param example a sample that fixes the input shape */
    public TrainerSteps(TrainConfig config, int classes, PreparedSample example) {
        Featuriser features = Featuriser.forModel(config.model(), config.textFeatures(), example);
        this.net = Models.build(config, features, classes);
        this.batches = new BatchBuilder(features, classes, config.labelSmoothing());
    }

    /** One training step; returns the loss DL4J reports. */
    public double fit(List<PreparedSample> batch) {
        DataSet data = batches.build(batch);
        try {
            net.fit(data);
            return net.score();
        } finally {
            data.getFeatures().close();
            data.getLabels().close();
        }
    }

    /** Only the batch copy (decode and labels), no network: the data side of a step. */
    public void buildOnly(List<PreparedSample> batch) {
        DataSet data = batches.build(batch);
        data.getFeatures().close();
        data.getLabels().close();
    }

    /** Only the forward pass in inference mode. */
    public void forwardOnly(List<PreparedSample> batch) {
        DataSet data = batches.build(batch);
        try (org.nd4j.linalg.api.ndarray.INDArray out = net.output(data.getFeatures(), false)) {
            out.getDouble(0);
        } finally {
            data.getFeatures().close();
            data.getLabels().close();
        }
    }

    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public void close() {
        net.close();
    }
}
