package io.streamaug.trainer.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A fully connected layer, optionally with layer normalisation: the dense layers of the {@code mlp},
 * {@code text} and {@code cnn} models. It is DL4J's {@link DenseLayer} configuration, parameters and
 * maths (with layer norm: y = act(g·x̂ + b), x̂ = (xW − mean) / (σ + 1e-12) per example), but
 * {@link DenseImpl} computes its training step differently: DL4J 1.0.0-M2.1's dense layer runs its
 * forward pass again, matrix product and layer norm included, at the start of its backward pass;
 * it computes the gradient of the network's input when it is the first layer, which the network
 * throws away; and its fused {@code layer_norm_bp} op cost more than its forward matrix products at
 * minibatch 128. Networks saved with DL4J's dense layer keep it when they load.
 */
public final class Dense extends DenseLayer {
    /** For JSON. */
    public Dense() {
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("Dense", getLayerName(), layerIndex, getNIn(), getNOut());
        return Layers.wire(new DenseImpl(conf, networkDataType), initializer(), conf, listeners, layerIndex, layerParamsView,
                initializeParams);
    }

    /** As DL4J's dense layer builder. */
    public static final class Builder extends DenseLayer.Builder {
        @Override
        @SuppressWarnings("unchecked")
        public Dense build() {
            return copyOf(super.build());
        }
    }

    /**
     * DL4J's {@link DenseLayer} has no constructor a subclass can hand a builder to, so its builder
     * builds one and every field of it is copied into this class, which is the same configuration.
     */
    private static Dense copyOf(DenseLayer built) {
        Dense dense = new Dense();
        try {
            for (Class<?> c = DenseLayer.class; c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        field.setAccessible(true);
                        field.set(dense, field.get(built));
                    }
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot copy DL4J's dense layer configuration", e);
        }
        return dense;
    }
}
