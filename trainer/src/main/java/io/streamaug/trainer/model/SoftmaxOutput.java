package io.streamaug.trainer.model;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The output layer of every model: DL4J's {@link OutputLayer} configuration, parameters and maths
 * (softmax with the multi-class cross-entropy loss), but {@link SoftmaxOutputImpl} computes its
 * training step differently: in DL4J 1.0.0-M2.1 a training step runs the output layer's forward
 * pass, softmax and loss twice, once in its backward pass and again for the score, and its loss is
 * a dozen small ND4J ops. Networks saved with DL4J's output layer keep it when they load.
 */
public final class SoftmaxOutput extends OutputLayer {
    /** For JSON. */
    public SoftmaxOutput() {
    }

    private SoftmaxOutput(Builder builder) {
        super(builder);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("SoftmaxOutput", getLayerName(), layerIndex, getNIn(), getNOut());
        return Layers.wire(new SoftmaxOutputImpl(conf, networkDataType), initializer(), conf, listeners, layerIndex,
                layerParamsView, initializeParams);
    }

    /** As DL4J's output layer builder. */
    public static final class Builder extends OutputLayer.Builder {
        public Builder(LossFunctions.LossFunction lossFunction) {
            super(lossFunction);
        }

        @Override
        public SoftmaxOutput build() {
            return new SoftmaxOutput(this);
        }
    }
}
