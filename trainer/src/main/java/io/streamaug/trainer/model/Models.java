package io.streamaug.trainer.model;

import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.config.TrainConfig.Norm;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the networks a {@link TrainConfig} names, with its normalisation and recipe:
 * <ul>
 * <li>{@code mlp}: dense layers ({@code hidden}), each followed by the chosen normalisation and ReLU;</li>
 * <li>{@code cnn}: per entry of {@code conv_channels} a 3×3 convolution ({@link SameConvolution}),
 * normalisation, ReLU (in the norm layer itself with layer norm) and 2×2 max-pooling ({@link MaxPool}),
 * then one dense layer of {@code hidden[0]} units;</li>
 * <li>{@code text}: the MLP over hashed word and bigram features.</li>
 * </ul>
 * Every model ends in a softmax layer with the multi-class cross-entropy loss ({@link SoftmaxOutput}).
 * Dropout ({@link InvertedDropout}: DL4J's inverted dropout, its mask drawn in Java) acts on hidden
 * activations (the inputs of every layer after the first), never on raw pixels. Weight decay is L2 added to the gradient for {@code adam} and {@code sgd}, and decoupled
 * (applied to the weights, scaled by the learning rate) for {@code adamw}; biases and norm
 * parameters are not decayed.
 */
public final class Models {
    private Models() {
    }

    public static MultiLayerNetwork build(TrainConfig config, Featuriser features, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        Norm norm = config.effectiveNorm();
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .updater(updater(config))
                .weightInit(config.model().init() == TrainConfig.Init.XAVIER ? WeightInit.XAVIER : WeightInit.RELU);
        if (config.regularisation().weightDecay() > 0) {
            if (config.optimiser().kind() == TrainConfig.Optimizer.ADAMW) {
                base.weightDecay(config.regularisation().weightDecay(), true);
            } else {
                // As base.l2(…): on the weights only, but computed with BLAS.
                base.regularization(new java.util.ArrayList<>(List.of(new BlasL2Regularization(config.regularisation().weightDecay()))));
            }
        }
        if (config.regularisation().l1() > 0) {
            base.l1(config.regularisation().l1());
        }
        if (config.optimiser().gradClip() > 0) {
            base.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(config.optimiser().gradClip());
        }
        var list = base.list();
        int index = 0;
        boolean first = true;
        InputType input;
        if (config.model().kind() == TrainConfig.ModelKind.CNN) {
            if (!(features instanceof ImageFeatures image)) {
                throw new IllegalArgumentException("the cnn model takes images, not " + features.describe());
            }
            input = InputType.convolutionalFlat(image.height(), image.width(), image.channels());
            for (int channels : config.model().convChannels()) {
                list.layer(index++, new SameConvolution.Builder(3, 3).nOut(channels).hasBias(norm != Norm.BATCH).build());
                if (norm == Norm.LAYER) {
                    list.layer(index++, new LayerNorm2d.Builder().relu(true).build()); // the norm with its ReLU, in one layer
                } else {
                    if (norm == Norm.BATCH) {
                        list.layer(index++, new BatchNormalization.Builder().build());
                    }
                    list.layer(index++, new ActivationLayer.Builder().activation(Activation.RELU).build());
                }
                list.layer(index++, new MaxPool.Builder().kernelSize(2, 2).stride(2, 2).build());
            }
            index = dense(list, index, config.model().hidden().get(0), norm, config.regularisation().dropout());
        } else {
            if ((config.model().kind() == TrainConfig.ModelKind.TEXT) == features instanceof ImageFeatures) {
                throw new IllegalArgumentException("the " + config.model().kind() + " model does not take " + features.describe());
            }
            input = InputType.feedForward(features.size());
            for (int size : config.model().hidden()) {
                index = dense(list, index, size, norm, first ? 0 : config.regularisation().dropout());
                first = false;
            }
        }
        OutputLayer.Builder output = new SoftmaxOutput.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(classes).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
        if (config.regularisation().dropout() > 0) {
            output.dropOut(new InvertedDropout(1.0 - config.regularisation().dropout())); // the probability of keeping a unit
        }
        list.layer(index, output.build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(input).build());
        net.init();
        return net;
    }

    private static int dense(org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder list, int index, int size,
            Norm norm, double dropout) {
        DenseLayer.Builder dense = new Dense.Builder().nOut(size);
        if (dropout > 0) {
            dense.dropOut(new InvertedDropout(1.0 - dropout));
        }
        switch (norm) {
            case LAYER:
                list.layer(index++, dense.activation(Activation.RELU).hasLayerNorm(true).build());
                return index;
            case BATCH:
                list.layer(index++, dense.activation(Activation.IDENTITY).hasBias(false).build());
                list.layer(index++, new BatchNormalization.Builder().build());
                list.layer(index++, new ActivationLayer.Builder().activation(Activation.RELU).build());
                return index;
            default:
                list.layer(index++, dense.activation(Activation.RELU).build());
                return index;
        }
    }

    static IUpdater updater(TrainConfig config) {
        LrSchedule schedule = schedule(config);
        if (config.optimiser().kind() == TrainConfig.Optimizer.SGD) {
            return new Nesterovs(schedule, config.optimiser().momentum());
        }
        return new VectorisedAdam(schedule);
    }

    /** The learning-rate schedule of a config, as the updater uses it. */
    public static LrSchedule schedule(TrainConfig config) {
        TrainConfig.Schedule s = config.schedule();
        return new LrSchedule(s.kind().key(), config.optimiser().lr(), s.warmupSteps(), s.stepSize(),
                s.milestones().stream().mapToInt(Integer::intValue).toArray(), s.gamma(), config.decaySteps(), s.minLr());
    }
}
