package io.streamaug.trainer.model;

import java.util.Collection;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 2-d convolution with an odd square-or-not kernel, stride 1, "same" padding and NCHW data: the
 * convolutions of the {@code cnn} model. It has DL4J's {@link ConvolutionLayer} configuration,
 * parameters and maths, but {@link SameConvolutionImpl} computes it differently: DL4J 1.0.0-M2.1
 * lays out its im2col matrix with the kernel taps innermost, which makes ND4J's {@code im2col}
 * write every element to a distant address, and it runs that im2col twice per step (the backward
 * pass recomputes the forward one). Here the patch matrix is built from one shifted copy of the
 * input per kernel tap, kept for the backward pass, and multiplied in the layout that lets ND4J
 * hand the product straight to BLAS.
 */
public final class SameConvolution extends ConvolutionLayer {
    /** For JSON. */
    public SameConvolution() {
    }

    private SameConvolution(Builder builder) {
        super(builder);
        int[] k = getKernelSize();
        if (k[0] % 2 == 0 || k[1] % 2 == 0) {
            throw new IllegalArgumentException("SameConvolution needs an odd kernel, got " + k[0] + "x" + k[1]);
        }
        if (getStride()[0] != 1 || getStride()[1] != 1 || getDilation()[0] != 1 || getDilation()[1] != 1) {
            throw new IllegalArgumentException("SameConvolution supports stride 1 and dilation 1 only; use DL4J's ConvolutionLayer");
        }
        if (getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("SameConvolution supports NCHW data only; use DL4J's ConvolutionLayer");
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("SameConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
        // Checked here rather than in the builder: the mode and the activation may come from the network's defaults.
        if (getConvolutionMode() != ConvolutionMode.Same) {
            throw new IllegalArgumentException("SameConvolution needs ConvolutionMode.Same, got " + getConvolutionMode());
        }
        if (getActivationFn() != null && !(getActivationFn() instanceof ActivationIdentity)) {
            throw new IllegalArgumentException("SameConvolution computes no activation; put an ActivationLayer after it");
        }
        return Layers.wire(new SameConvolutionImpl(conf, networkDataType), initializer(), conf, listeners, layerIndex, layerParamsView,
                initializeParams);
    }

    /** As DL4J's convolution builder; {@code convolutionMode(Same)} and the identity activation are set. */
    public static final class Builder extends ConvolutionLayer.Builder {
        public Builder(int kernelHeight, int kernelWidth) {
            super(kernelHeight, kernelWidth);
            convolutionMode(ConvolutionMode.Same);
            activation(new ActivationIdentity());
        }

        @Override
        @SuppressWarnings("unchecked")
        public SameConvolution build() {
            return new SameConvolution(this);
        }
    }

    /** How float convolutions are computed in this process: on oneDNN, or by the patch matrix and OpenBLAS; for logs. */
    public static String engine() {
        return onOnednn() ? "convolutions on oneDNN" : "convolutions by patch matrix and OpenBLAS";
    }

    /** Whether float convolutions run on oneDNN in this process: ND4J's build carries it and its helpers are allowed. */
    public static boolean onOnednn() {
        return Onednn.inUse();
    }
}
