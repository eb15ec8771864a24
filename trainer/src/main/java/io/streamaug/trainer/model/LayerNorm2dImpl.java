package io.streamaug.trainer.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of {@link LayerNorm2d}. Forward: x̂ = (x − mean) / σ per example, over all of
 * (C, H, W), with σ² the population variance plus {@link #EPSILON}; y = g·x̂ + b with g and b per
 * channel; then, when the layer has {@code relu}, y = max(y, 0). Backward, first dy = 0 where
 * y ≤ 0 (with {@code relu}), then the closed form per example (D = C·H·W):
 * dx = (1/σ)·(g·dy − mean(g·dy) − x̂·mean(g·dy·x̂)); dg = Σ dy·x̂ and db = Σ dy over N, H, W.
 *
 * <p>Float activations are computed by loops over Java arrays (see {@link #computedInJava}), two
 * passes each way: forward, the sum and the sum of squares together, then y; backward, the ReLU's
 * mask with the two sums the closed form needs, then dx; x̂ is recomputed from the kept copy of x
 * rather than stored. The activations of a minibatch are megabytes, so each pass costs about what
 * reading them from memory does. In ND4J 1.0.0-M2.1 the same closed form took about fifteen
 * whole-array ops, each a pass with its own set-up, and the separate ReLU layer two more passes.
 * The loops read the input in either of two layouts without a copy: NCHW (what {@link SameConvolution}
 * returns on oneDNN), or the [C, N, H, W] array whose NCHW view its patch-matrix path returns; the
 * gradient goes back in the layout the input came in. Sums within a plane of H·W values use two float accumulators per sum (C2 does not
 * vectorise a float sum, and one accumulator is a chain of dependent adds); sums over an example
 * are doubles.
 *
 * <p>Other data types (the double-precision gradient checks) take a few whole-array ND4J ops on
 * the [N, C·H·W] view instead. Every per-example or per-channel broadcast there is written as a
 * column-vector op on rows of [N, D] or [N·C, H·W]: ND4J runs those row by row, while its
 * broadcast along dimension 0 or 1 walks the array column by column and took several times longer.
 */
final class LayerNorm2dImpl extends BaseLayer<LayerNorm2d> {
    /**
     * Added to the variance. Small enough that the layer computes what the earlier SameDiff layer
     * (ND4J's {@code layer_norm}, no epsilon) did to float precision; large enough that an example
     * whose activations are all equal stays finite (x̂ = 0) instead of 0/0.
     */
    static final double EPSILON = 1e-8;

    private INDArray normalised; // x̂, [N, D], kept from a training forward pass for the backward one (ND4J path)
    private INDArray inverseStd; // 1/σ, [N, 1]

    // The Java path's arrays, reused from step to step; the kept state is valid while keptShape is set.
    private float[] inputCopy = new float[0]; // x in the input's layout (x̂ = (x − mean)·(1/σ) is recomputed from it); then dx
    private float[] activations = new float[0]; // y, NCHW; then dy
    private float[] upstream = new float[0]; // dy as it comes, before the ReLU's mask
    private float[] means = new float[0]; // the mean per example
    private float[] invStd = new float[0]; // 1/σ per example
    private float[] gain = new float[0];
    private float[] bias = new float[0];
    private float[] gainGrad = new float[0];
    private float[] biasGrad = new float[0];
    private long[] keptShape; // the input shape a training forward pass on the Java path kept its state for, or null
    private boolean keptChannelMajor; // whether that input was the NCHW view of a [C, N, H, W] array

    LayerNorm2dImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
    }

    /** Float, rank 4 (NCHW), no larger than a Java array: the loops below; anything else the ND4J ops. */
    private boolean computedInJava(INDArray x) {
        return x.rank() == 4 && x.dataType() == DataType.FLOAT && dataType == DataType.FLOAT && x.length() < Integer.MAX_VALUE;
    }

    /** Whether {@code x} is the NCHW view of a row-major [C, N, H, W] array, as {@link SameConvolution}'s patch-matrix path returns. */
    private static boolean channelMajor(INDArray x) {
        return Floats.contiguous(x.permute(1, 0, 2, 3));
    }

    private boolean relu() {
        return layerConf().relu();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        keptShape = null;
        normalised = null;
        inverseStd = null;
        if (computedInJava(input)) {
            return activateInJava(training, workspaceMgr);
        }
        long n = input.size(0);
        long c = input.size(1);
        long d = input.length() / n;
        INDArray x = input.reshape('c', n, d); // a view when the input is contiguous, else a copy
        ArrayType kept = training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM;
        INDArray xHat = workspaceMgr.createUninitialized(kept, input.dataType(), new long[] {n, d}, 'c');
        xHat.assign(x).subiColumnVector(x.mean(1).reshape(n, 1));
        INDArray invStd = workspaceMgr.createUninitialized(kept, input.dataType(), new long[] {n, 1}, 'c');
        INDArray norm = xHat.norm2(1); // √(D·var)
        invStd.assign(norm.muli(norm).divi(d).addi(EPSILON).reshape(n, 1));
        Transforms.pow(invStd, -0.5, false);
        xHat.muliColumnVector(invStd);

        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
        out.assign(xHat);
        out.reshape(n * c, d / c).muliColumnVector(perRow(channelVector(LayerNorm2d.GAIN), n))
                .addiColumnVector(perRow(channelVector(LayerNorm2d.BIAS), n));
        if (relu()) {
            Transforms.relu(out, false);
        }
        if (training) {
            normalised = xHat;
            inverseStd = invStd;
        }
        return out;
    }

    private INDArray activateInJava(boolean training, LayerWorkspaceMgr workspaceMgr) {
        long[] shape = input.shape();
        int n = (int) shape[0];
        int c = (int) shape[1];
        int hw = (int) (shape[2] * shape[3]);
        int length = n * c * hw;
        double d = (double) c * hw;
        boolean channelMajor = channelMajor(input);
        inputCopy = Floats.atLeast(inputCopy, length);
        activations = Floats.atLeast(activations, length);
        invStd = Floats.atLeast(invStd, n);
        means = Floats.atLeast(means, n);
        float[] x = Floats.read(channelMajor ? input.permute(1, 0, 2, 3) : input, inputCopy);
        float[] g = Floats.read(channelVector(LayerNorm2d.GAIN), gain = Floats.atLeast(gain, c));
        float[] b = Floats.read(channelVector(LayerNorm2d.BIAS), bias = Floats.atLeast(bias, c));
        float[] y = activations;
        boolean relu = relu();
        for (int e = 0; e < n; e++) {
            // Sum and sum of squares in one pass, of x − x₀ with x₀ the example's first value: shifted by a
            // value of the data, E[v²] − E[v]² loses no more precision than the two-pass form would.
            float shift = x[plane(channelMajor, e, 0, n, c, hw)];
            double sum = 0;
            double squares = 0;
            for (int ch = 0; ch < c; ch++) {
                int at = plane(channelMajor, e, ch, n, c, hw);
                float s0 = 0;
                float s1 = 0;
                float q0 = 0;
                float q1 = 0;
                int k = 0;
                for (; k + 1 < hw; k += 2) {
                    float v0 = x[at + k] - shift;
                    float v1 = x[at + k + 1] - shift;
                    s0 += v0;
                    s1 += v1;
                    q0 += v0 * v0;
                    q1 += v1 * v1;
                }
                for (; k < hw; k++) {
                    float v = x[at + k] - shift;
                    s0 += v;
                    q0 += v * v;
                }
                sum += s0 + s1;
                squares += q0 + q1;
            }
            double centredMean = sum / d;
            float mean = (float) (shift + centredMean);
            float inv = (float) (1.0 / Math.sqrt(Math.max(squares / d - centredMean * centredMean, 0) + EPSILON));
            means[e] = mean;
            invStd[e] = inv;
            for (int ch = 0; ch < c; ch++) {
                int from = plane(channelMajor, e, ch, n, c, hw);
                int to = (e * c + ch) * hw;
                float gc = g[ch];
                float bc = b[ch];
                if (relu) {
                    for (int k = 0; k < hw; k++) {
                        y[to + k] = Math.max(gc * ((x[from + k] - mean) * inv) + bc, 0f);
                    }
                } else {
                    for (int k = 0; k < hw; k++) {
                        y[to + k] = gc * ((x[from + k] - mean) * inv) + bc;
                    }
                }
            }
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, shape, 'c');
        Floats.write(y, out);
        if (training) {
            keptShape = shape;
            keptChannelMajor = channelMajor;
        }
        return out;
    }

    private Pair<Gradient, INDArray> backpropInJava(INDArray epsilon, long[] shape, LayerWorkspaceMgr workspaceMgr) {
        int n = (int) shape[0];
        int c = (int) shape[1];
        int hw = (int) (shape[2] * shape[3]);
        int length = n * c * hw;
        double d = (double) c * hw;
        boolean channelMajor = keptChannelMajor;
        float[] x = inputCopy;
        float[] y = activations;
        float[] g = gain;
        boolean relu = relu();
        float[] upstreamDy = Floats.read(epsilon, relu ? (upstream = Floats.atLeast(upstream, length)) : y);
        float[] dy = y; // with relu, the masked gradient replaces y plane by plane
        gainGrad = Floats.atLeast(gainGrad, c);
        biasGrad = Floats.atLeast(biasGrad, c);
        java.util.Arrays.fill(gainGrad, 0, c, 0f);
        java.util.Arrays.fill(biasGrad, 0, c, 0f);
        for (int e = 0; e < n; e++) {
            float mean = means[e];
            float inv = invStd[e];
            double sumGDy = 0;
            double sumGDyXHat = 0;
            for (int ch = 0; ch < c; ch++) {
                int at = plane(channelMajor, e, ch, n, c, hw);
                int from = (e * c + ch) * hw;
                float d0 = 0;
                float d1 = 0;
                float p0 = 0;
                float p1 = 0;
                int k = 0;
                for (; k + 1 < hw; k += 2) {
                    float g0 = masked(upstreamDy[from + k], y[from + k], relu);
                    float g1 = masked(upstreamDy[from + k + 1], y[from + k + 1], relu);
                    dy[from + k] = g0;
                    dy[from + k + 1] = g1;
                    d0 += g0;
                    d1 += g1;
                    p0 += g0 * ((x[at + k] - mean) * inv);
                    p1 += g1 * ((x[at + k + 1] - mean) * inv);
                }
                for (; k < hw; k++) {
                    float g0 = masked(upstreamDy[from + k], y[from + k], relu);
                    dy[from + k] = g0;
                    d0 += g0;
                    p0 += g0 * ((x[at + k] - mean) * inv);
                }
                double sumDy = d0 + d1;
                double sumDyXHat = p0 + p1;
                gainGrad[ch] += (float) sumDyXHat;
                biasGrad[ch] += (float) sumDy;
                sumGDy += g[ch] * sumDy;
                sumGDyXHat += g[ch] * sumDyXHat;
            }
            float meanGDy = (float) (sumGDy / d * inv);
            float meanGDyXHat = (float) (sumGDyXHat / d * inv);
            for (int ch = 0; ch < c; ch++) {
                int at = plane(channelMajor, e, ch, n, c, hw);
                int from = (e * c + ch) * hw;
                float scale = g[ch] * inv;
                for (int k = 0; k < hw; k++) {
                    x[at + k] = scale * dy[from + k] - ((x[at + k] - mean) * inv) * meanGDyXHat - meanGDy;
                }
            }
        }
        Floats.write(gainGrad, gradientViews.get(LayerNorm2d.GAIN));
        Floats.write(biasGrad, gradientViews.get(LayerNorm2d.BIAS));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(LayerNorm2d.GAIN, gradientViews.get(LayerNorm2d.GAIN));
        gradient.setGradientFor(LayerNorm2d.BIAS, gradientViews.get(LayerNorm2d.BIAS));
        INDArray dx;
        if (channelMajor) {
            INDArray cn = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[] {c, n, shape[2], shape[3]}, 'c');
            Floats.write(x, cn);
            dx = cn.permute(1, 0, 2, 3);
        } else {
            dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, shape, 'c');
            Floats.write(x, dx);
        }
        return new Pair<>(gradient, dx);
    }

    /**
     * dy where the ReLU passed its input (y > 0), else +0, without a branch (about half the outputs are
     * clipped, at random, and mispredicted branches cost more than the rest of the pass): y is +0 or
     * positive, so −bits(y) >> 31 is all ones exactly where y > 0. Without relu, dy itself.
     */
    private static float masked(float dy, float y, boolean relu) {
        return relu ? Float.intBitsToFloat(Float.floatToRawIntBits(dy) & (-Float.floatToRawIntBits(y) >> 31)) : dy;
    }

    /** Where the (example, channel) plane of H·W values starts, in NCHW or in [C, N, H, W]. */
    private static int plane(boolean channelMajor, int example, int channel, int n, int c, int hw) {
        return (channelMajor ? channel * n + example : example * c + channel) * hw;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        long[] shape = keptShape;
        keptShape = null;
        if (shape != null) {
            if (!java.util.Arrays.equals(shape, epsilon.shape())) {
                throw new IllegalArgumentException("LayerNorm2d: gradient of shape " + java.util.Arrays.toString(epsilon.shape())
                        + " for activations of shape " + java.util.Arrays.toString(shape));
            }
            return backpropInJava(epsilon, shape, workspaceMgr);
        }
        if (normalised == null) {
            throw new IllegalStateException("LayerNorm2d: backward pass without a training forward pass");
        }
        long n = epsilon.size(0);
        long c = epsilon.size(1);
        long d = epsilon.length() / n;
        long hw = d / c;
        INDArray gain = channelVector(LayerNorm2d.GAIN);
        if (relu()) { // dy = 0 where the output was clipped: y = x̂·g + b ≤ 0, recomputed from the kept x̂
            INDArray pre = normalised.dup('c');
            pre.reshape(n * c, hw).muliColumnVector(perRow(gain, n)).addiColumnVector(perRow(channelVector(LayerNorm2d.BIAS), n));
            epsilon = epsilon.mul(pre.reshape(epsilon.shape()).gt(0).castTo(epsilon.dataType()));
        }
        INDArray dy3 = epsilon.reshape('c', n, c, hw);
        INDArray xHat3 = normalised.reshape(n, c, hw);

        INDArray work3 = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), new long[] {n, c, hw}, 'c');
        dy3.mul(xHat3, work3); // dy·x̂
        INDArray dyByChannel = dy3.sum(2); // [N, C]
        INDArray dyXHatByChannel = work3.sum(2); // [N, C]
        gradientViews.get(LayerNorm2d.GAIN).assign(dyXHatByChannel.sum(0));
        gradientViews.get(LayerNorm2d.BIAS).assign(dyByChannel.sum(0));

        // Per example: mean(g·dy) and mean(g·dy·x̂), both scaled by 1/σ.
        INDArray gainColumn = gain.reshape(c, 1);
        INDArray meanGDy = dyByChannel.mmul(gainColumn).divi(d).muli(inverseStd); // [N, 1]
        INDArray meanGDyXHat = dyXHatByChannel.mmul(gainColumn).divi(d).muli(inverseStd);

        // dx = (g/σ)·dy − (mean(g·dy·x̂)/σ)·x̂ − mean(g·dy)/σ; every broadcast is along rows of [N·C, H·W] or [N, D].
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
        dx.assign(dy3);
        dx.reshape(n * c, hw).muliColumnVector(inverseStd.mmul(gain.reshape(1, c)).reshape(n * c, 1));
        INDArray work2 = work3.reshape(n, d);
        work2.assign(normalised).muliColumnVector(meanGDyXHat);
        dx.reshape(n, d).subi(work2).subiColumnVector(meanGDy);

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(LayerNorm2d.GAIN, gradientViews.get(LayerNorm2d.GAIN));
        gradient.setGradientFor(LayerNorm2d.BIAS, gradientViews.get(LayerNorm2d.BIAS));
        normalised = null;
        inverseStd = null;
        return new Pair<>(gradient, dx);
    }

    /** [N·C, 1]: the per-channel vector repeated for each of n examples, one value per row of [N·C, H·W]. */
    private static INDArray perRow(INDArray channels, long n) {
        return channels.reshape(1, channels.length()).repeat(0, n).reshape(n * channels.length(), 1);
    }

    private INDArray channelVector(String key) {
        INDArray param = getParam(key);
        return param.reshape(param.length());
    }

    @Override
    public void clear() {
        super.clear();
        keptShape = null;
        normalised = null;
        inverseStd = null;
    }
}
