package io.streamaug.trainer.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What every layer configuration of this package does in {@code instantiate}, as DL4J's own layers do it. */
final class Layers {
    private Layers() {
    }

    /** Gives {@code layer} its listeners, index, parameter view and parameters (made by {@code initializer}) and its configuration. */
    static <L extends Layer> L wire(L layer, ParamInitializer initializer, NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer.init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
