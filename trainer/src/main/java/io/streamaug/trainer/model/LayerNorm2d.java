package io.streamaug.trainer.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Layer normalisation for convolutional activations, which DL4J 1.0.0-M2.1 lacks: each example is
 * normalised over all of (C, H, W) on its own, then scaled and shifted by a learnable per-channel
 * gain and bias. It does not depend on the minibatch, so it works down to minibatch 1. Gain and
 * bias are registered as bias parameters, so weight decay does not pull the gain towards zero.
 */
public final class LayerNorm2d extends SameDiffLayer {
    public static final String GAIN = "gain";
    public static final String BIAS = "beta";
    private static final double EPSILON = 1e-5;

    @JsonProperty("channels")
    private long channels;

    /** For JSON. */
    public LayerNorm2d() {
    }

    public LayerNorm2d(long channels) {
        this.channels = channels;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable mean = input.mean(true, 1, 2, 3);
        SDVariable centred = input.sub(mean);
        SDVariable variance = centred.mul(centred).mean(true, 1, 2, 3);
        SDVariable normalised = centred.div(sd.math().sqrt(variance.add(EPSILON)));
        return normalised.mul(params.get(GAIN)).add(params.get(BIAS));
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addBiasParam(GAIN, 1, channels, 1, 1);
        params.addBiasParam(BIAS, 1, channels, 1, 1);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(GAIN).assign(1.0);
        params.get(BIAS).assign(0.0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (channels == 0 || override) {
            channels = ((InputType.InputTypeConvolutional) inputType).getChannels();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    public long channels() {
        return channels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerNorm2d other && other.channels == channels && super.equals(o);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(channels) * 31 + super.hashCode();
    }
}
