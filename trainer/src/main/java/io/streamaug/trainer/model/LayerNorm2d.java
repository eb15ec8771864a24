package io.streamaug.trainer.model;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitConstant;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.shade.jackson.annotation.JsonIgnoreProperties;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.nd4j.shade.jackson.annotation.JsonSetter;

/**
 * Layer normalisation for convolutional activations, which DL4J 1.0.0-M2.1 lacks: each example is
 * normalised over all of (C, H, W) on its own, then scaled and shifted by a learnable per-channel
 * gain and bias. It does not depend on the minibatch, so it works down to minibatch 1. Gain and
 * bias are registered as bias parameters, so weight decay does not pull the gain towards zero.
 * With {@code relu} the layer also applies a ReLU to its output, which spares the network a
 * separate activation layer and its two passes over the activations; networks saved before the
 * option existed read it as off (they carry their own activation layer).
 *
 * <p>This is the layer's configuration; {@link LayerNorm2dImpl} computes it. Until the layer was a
 * native DL4J layer it was a SameDiff layer under this same class name, with the same two
 * parameters in the same order; its JSON names the updater {@code updater} rather than
 * {@code iUpdater} and carries SameDiff's parameter shapes, so the setter below and the ignored
 * properties let networks saved then load into this layer unchanged.
 */
@JsonIgnoreProperties({"layerParams", "paramWeightInit", "weightInit"})
public final class LayerNorm2d extends BaseLayer {
    public static final String GAIN = "gain";
    public static final String BIAS = "beta";

    /**
     * The parameters start at gain 1 and bias 0 whatever the network's weight init. Stating that here
     * also keeps DL4J from looking for a legacy weight init in a network saved by the SameDiff layer
     * (and logging a stack trace when it finds none).
     */
    private static final IWeightInit START = new WeightInitConstant(1.0);

    @JsonProperty("channels")
    private long channels;

    @JsonProperty("relu")
    private boolean relu;

    /** For JSON. */
    public LayerNorm2d() {
        weightInitFn = START; // for networks saved by the SameDiff layer, whose JSON has none: see START
    }

    private LayerNorm2d(Builder builder) {
        super(builder);
        this.weightInitFn = START;
        this.channels = builder.channels;
        this.relu = builder.relu;
    }

    public long channels() {
        return channels;
    }

    /** Whether the output is max(y, 0) rather than y. */
    public boolean relu() {
        return relu;
    }

    /** The updater as the earlier SameDiff layer wrote it into a network's JSON. */
    @JsonSetter("updater")
    void setLegacyUpdater(IUpdater updater) {
        setIUpdater(updater);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        return Layers.wire(new LayerNorm2dImpl(conf, networkDataType), initializer(), conf, listeners, layerIndex, layerParamsView,
                initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeConvolutional conv)) {
            throw new IllegalArgumentException("LayerNorm2d normalises convolutional activations, not " + inputType);
        }
        if (channels == 0 || override) {
            channels = conv.getChannels();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long perExample = inputType.arrayElementsPerExample();
        // The normalised input is kept for the backward pass: one more activation-sized array per example.
        return new LayerMemoryReport.Builder(layerName, LayerNorm2d.class, inputType, inputType)
                .standardMemory(2 * channels, 0)
                .workingMemory(0, perExample, 0, 2 * perExample)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerNorm2d other && other.channels == channels && other.relu == relu && super.equals(o);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(channels) * 31 + Boolean.hashCode(relu)) * 31 + super.hashCode();
    }

    public static final class Builder extends BaseLayer.Builder<Builder> {
        private long channels;
        private boolean relu;

        /** Applies a ReLU to the layer's output (off by default). */
        public Builder relu(boolean relu) {
            this.relu = relu;
            return this;
        }

        /** The number of channels; left at 0 it is taken from the input type. */
        public Builder channels(long channels) {
            this.channels = channels;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LayerNorm2d build() {
            return new LayerNorm2d(this);
        }
    }

    /** Gain then bias, {@code channels} each, both bias parameters; the gain starts at 1, the bias at 0. */
    static final class Params implements ParamInitializer {
        static final Params INSTANCE = new Params();
        private static final List<String> KEYS = List.of(GAIN, BIAS);

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return 2 * ((LayerNorm2d) layer).channels;
        }

        @Override
        public List<String> paramKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return KEYS;
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of();
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return KEYS;
        }

        @Override
        public boolean isWeightParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return false;
        }

        @Override
        public boolean isBiasParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return KEYS.contains(key);
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
            Map<String, INDArray> views = views(conf, paramsView);
            if (initializeParams) {
                views.get(GAIN).assign(1.0);
                views.get(BIAS).assign(0.0);
            }
            return views;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
            return views(conf, gradientView);
        }

        /** Views [1, C] of the layer's slice of the flat parameter (or gradient) row. */
        private static Map<String, INDArray> views(NeuralNetConfiguration conf, INDArray flat) {
            long c = ((LayerNorm2d) conf.getLayer()).channels;
            INDArray row = flat.reshape(1, flat.length());
            Map<String, INDArray> out = new java.util.LinkedHashMap<>();
            out.put(GAIN, row.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, c)));
            out.put(BIAS, row.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(c, 2 * c)));
            return out;
        }
    }
}
