package io.streamaug.trainer.model;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;

/**
 * The computation of {@link SameConvolution}. With x of shape [N, C, H, W] and a kH×kW kernel:
 * <ul>
 * <li>the patch matrix P [C·kH·kW, N·H·W] is gathered from x by {@link Patches} in Java (float), one
 * shifted run of an input row per row of P, then copied to ND4J in one memcpy; other types copy x
 * into a zero-padded [C, N, H+kH−1, W+kW−1] array and fill P with one strided ND4J copy per kernel tap;</li>
 * <li>z = W [C_out, C·kH·kW] · P, stored [C_out, N, H, W] and returned as its NCHW view (the layout
 * DL4J's own convolution returns), plus the bias per output channel.</li>
 * </ul>
 * When ND4J's loaded build carries oneDNN and its helpers are allowed, float convolutions skip all
 * of this and go to oneDNN's direct convolution instead ({@link Onednn}), with a plain NCHW output;
 * the backward pass takes the path its forward pass took.
 * Backward: dW = dz · Pᵀ from the kept P, db = Σ dz, and dx by scattering Wᵀ · dz back through the
 * same shifted runs ({@link Patches#scatter}; ND4J's col2im for other types, which took twice as long).
 * dz is the incoming gradient itself when it arrives as [C_out, N, H, W] (as {@link LayerNorm2d}'s
 * does). The matrix products are written as f-order results, which ND4J passes to BLAS as they are;
 * a c-order result costs an extra transposing copy as large as the product.
 */
final class SameConvolutionImpl extends ConvolutionLayer {
    private INDArray patches; // P, [C·kH·kW, N·H·W], kept from a training forward pass for the backward one
    private boolean keptForOnednn; // whether the last training forward pass ran on oneDNN (its backward pass then does too)
    private float[] inputCopy = new float[0]; // float path: x, then dx
    private float[] patchCopy = new float[0]; // float path: P, then dP

    SameConvolutionImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (input.rank() != 4) {
            throw new IllegalArgumentException("SameConvolution (layer " + index + ") takes [N, C, H, W] activations, got shape "
                    + java.util.Arrays.toString(input.shape()));
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        long n = input.size(0);
        long c = input.size(1);
        long h = input.size(2);
        long w = input.size(3);
        long out = weights.size(0);
        if (weights.size(1) != c) {
            throw new IllegalArgumentException("SameConvolution (layer " + index + ") expects " + weights.size(1)
                    + " input channels, got " + c);
        }
        int kH = (int) weights.size(2);
        int kW = (int) weights.size(3);
        DataType type = weights.dataType();
        if (Onednn.convolves(input, type)) {
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, new long[] {n, out, h, w}, 'c');
            INDArray bias = layerConf().hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr) : null;
            Onednn.forward(rowMajor(input), weights, bias, z);
            patches = null;
            keptForOnednn = training;
            return z;
        }

        ArrayType kept = training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM;
        INDArray p = workspaceMgr.createUninitialized(kept, type, new long[] {c, kH, kW, n, h, w}, 'c');
        if (inJava(type, p)) {
            float[] x = Floats.read(input, inputCopy = Floats.atLeast(inputCopy, input.length()));
            patchCopy = Floats.atLeast(patchCopy, p.length());
            Patches.gather(x, (int) n, (int) c, (int) h, (int) w, kH, kW, patchCopy);
            Floats.write(patchCopy, p);
        } else {
            INDArray padded = workspaceMgr.create(ArrayType.FF_WORKING_MEM, type, new long[] {c, n, h + kH - 1, w + kW - 1}, 'c');
            padded.get(all(), all(), interval(kH / 2, kH / 2 + h), interval(kW / 2, kW / 2 + w)).assign(input.permute(1, 0, 2, 3));
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    p.get(all(), point(i), point(j), all(), all(), all()).assign(padded.get(all(), all(), interval(i, i + h), interval(j, j + w)));
                }
            }
        }
        INDArray p2 = p.reshape(c * kH * kW, n * h * w);

        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, new long[] {out, n, h, w}, 'c');
        INDArray z2 = z.reshape(out, n * h * w);
        Gemm.product(p2, true, weights.reshape(out, c * kH * kW), true, z2.transpose());
        if (layerConf().hasBias()) {
            INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
            z2.addiColumnVector(bias.reshape(out, 1));
        }
        patches = training ? p2 : null;
        keptForOnednn = false;
        return z.permute(1, 0, 2, 3);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        if (keptForOnednn) { // as the forward pass went, even if ND4J's helpers were switched off since
            keptForOnednn = false;
            return backpropOnednn(rowMajor(epsilon), weights, workspaceMgr);
        }
        if (patches == null) {
            throw new IllegalStateException("SameConvolution: backward pass without a training forward pass");
        }
        long n = input.size(0);
        long c = input.size(1);
        long h = input.size(2);
        long w = input.size(3);
        long out = weights.size(0);
        int kH = (int) weights.size(2);
        int kW = (int) weights.size(3);
        DataType type = weights.dataType();

        // dz as [C_out, N, H, W]: LayerNorm2d hands its gradient back in that layout already, else it is copied into it.
        INDArray dz = epsilon.permute(1, 0, 2, 3);
        if (!Floats.contiguous(dz)) {
            dz = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, type, new long[] {out, n, h, w}, 'c').assign(dz);
        }
        INDArray dz2 = dz.reshape(out, n * h * w);
        INDArray w2 = weights.reshape(out, c * kH * kW);

        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        Gemm.product(patches, false, dz2, true, weightGrad.reshape(out, c * kH * kW).transpose());
        Gradient gradient = new DefaultGradient();
        if (layerConf().hasBias()) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            biasGrad.assign(dz2.sum(1).reshape(biasGrad.shape()));
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');

        INDArray dp = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, type, new long[] {c, kH, kW, n, h, w}, 'c');
        Gemm.product(dz2, true, w2, false, dp.reshape(c * kH * kW, n * h * w).transpose());
        // ND4J's col2im sums the taps back into place; it reads dp through a permuted view, in any order.
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[] {n, c, h, w}, 'c');
        if (inJava(type, dp)) {
            float[] dPatches = Floats.read(dp, patchCopy = Floats.atLeast(patchCopy, dp.length()));
            inputCopy = Floats.atLeast(inputCopy, dx.length());
            Patches.scatter(dPatches, (int) n, (int) c, (int) h, (int) w, kH, kW, inputCopy);
            Floats.write(inputCopy, dx);
        } else {
            Convolution.col2im(dp.permute(3, 0, 1, 2, 4, 5), dx, 1, 1, kH / 2, kW / 2, (int) h, (int) w, 1, 1);
        }
        patches = null;
        weightNoiseParams.clear();
        return new Pair<>(gradient, dx);
    }

    private Pair<Gradient, INDArray> backpropOnednn(INDArray dz, INDArray weights, LayerWorkspaceMgr workspaceMgr) {
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, weights.dataType(), input.shape(), 'c');
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        Gradient gradient = new DefaultGradient();
        INDArray bias = null;
        INDArray biasGrad = null;
        if (layerConf().hasBias()) {
            bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
            biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        Onednn.backward(rowMajor(input), weights, bias, dz, dx, weightGrad, biasGrad);
        weightNoiseParams.clear();
        return new Pair<>(gradient, dx);
    }

    /** {@code x} itself when its values lie row-major from its buffer's start, else a row-major copy. */
    private static INDArray rowMajor(INDArray x) {
        return Floats.contiguous(x) ? x : x.dup('c');
    }

    /** Float arrays that fit a Java array are copied and rearranged by {@link Patches}; others by ND4J's ops. */
    private boolean inJava(DataType type, INDArray patchShaped) {
        return type == DataType.FLOAT && input.dataType() == DataType.FLOAT && patchShaped.length() < Integer.MAX_VALUE;
    }

    @Override
    public void clear() {
        super.clear();
        patches = null;
        keptForOnednn = false;
    }
}
