package io.streamaug.trainer.model;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cnn} model's max-pooling: DL4J's {@link SubsamplingLayer} configuration and maths, but
 * {@link MaxPoolImpl} computes 2×2 windows at stride 2 itself, as Java loops over a copy of the
 * input that keep which element of each window won for the backward pass. DL4J 1.0.0-M2.1 runs
 * ND4J's {@code maxpool2d} op forward and its {@code maxpool2d_bp} op backward, which looks for
 * each window's maximum again; the two were 17 % of a training step of the CNN at minibatch 32.
 * Networks saved with DL4J's subsampling layer keep it when they load.
 */
public final class MaxPool extends SubsamplingLayer {
    /** For JSON. */
    public MaxPool() {
    }

    private MaxPool(Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return Layers.wire(new MaxPoolImpl(conf, networkDataType), initializer(), conf, listeners, layerIndex, layerParamsView,
                initializeParams);
    }

    /** As DL4J's subsampling layer builder, with max pooling. */
    public static final class Builder extends SubsamplingLayer.Builder {
        public Builder() {
            super(SubsamplingLayer.PoolingType.MAX);
        }

        @Override
        @SuppressWarnings("unchecked")
        public MaxPool build() {
            super.build(); // DL4J's checks of kernel, stride and padding
            return new MaxPool(this);
        }
    }
}
