package io.streamaug.trainer;

import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A multi-layer perceptron with layer normalisation on every hidden layer: layer norm normalises
 * each example on its own, so it works at any minibatch size down to 1 (batch norm does not).
 */
public final class Mlp {
    /** Architecture and recipe of the network. */
    public record Spec(int inputs, List<Integer> hidden, int classes, double learningRate, double weightDecay,
            double dropout, long seed) {
        public Spec {
            if (inputs < 1 || classes < 2) {
                throw new IllegalArgumentException("an MLP needs ≥ 1 input and ≥ 2 classes, got " + inputs + " and " + classes);
            }
            if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
                throw new IllegalArgumentException("hidden sizes must be positive, got " + hidden);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            hidden = List.copyOf(hidden);
        }
    }

    private Mlp() {
    }

    public static MultiLayerNetwork build(Spec spec) {
        var layers = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(new Adam(spec.learningRate()))
                .weightInit(WeightInit.RELU)
                .weightDecay(spec.weightDecay())
                .list();
        int index = 0;
        for (int size : spec.hidden()) {
            DenseLayer.Builder dense = new DenseLayer.Builder().nOut(size).activation(Activation.RELU).hasLayerNorm(true);
            if (spec.dropout() > 0) {
                dense.dropOut(1.0 - spec.dropout()); // DL4J takes the probability of keeping a unit
            }
            layers.layer(index++, dense.build());
        }
        layers.layer(index, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(spec.classes()).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        MultiLayerNetwork net = new MultiLayerNetwork(layers.setInputType(InputType.feedForward(spec.inputs())).build());
        net.init();
        return net;
    }
}
