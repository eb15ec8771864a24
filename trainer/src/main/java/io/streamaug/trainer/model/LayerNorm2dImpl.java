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
 * The computation of {@link LayerNorm2d}, as a few whole-array ND4J ops on the [N, C·H·W] view of
 * the activations. Forward: x̂ = (x − mean) / σ per example, y = g·x̂ + b with g and b broadcast
 * along C. Backward, the closed form per example (D = C·H·W):
 * dx = (1/σ)·(g·dy − mean(g·dy) − x̂·mean(g·dy·x̂)); dg = Σ dy·x̂ and db = Σ dy over N, H, W.
 * The two per-example means reduce to [N, C] sums of dy and dy·x̂ weighted by g, so the backward
 * pass reads the activations about eight times and allocates one temporary beside its output.
 * Every per-example or per-channel broadcast is written as a column-vector op on rows of
 * [N, D] or [N·C, H·W]: ND4J runs those row by row, while its broadcast along dimension 0 or 1
 * walks the array column by column and took several times longer.
 */
final class LayerNorm2dImpl extends BaseLayer<LayerNorm2d> {
    /**
     * Added to the variance. Small enough that the layer computes what the earlier SameDiff layer
     * (ND4J's {@code layer_norm}, no epsilon) did to float precision; large enough that an example
     * whose activations are all equal stays finite (x̂ = 0) instead of 0/0.
     */
    static final double EPSILON = 1e-8;

    private INDArray normalised; // x̂, [N, D], kept from a training forward pass for the backward one
    private INDArray inverseStd; // 1/σ, [N, 1]

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

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
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
        if (training) {
            normalised = xHat;
            inverseStd = invStd;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (normalised == null) {
            throw new IllegalStateException("LayerNorm2d: backward pass without a training forward pass");
        }
        long n = epsilon.size(0);
        long c = epsilon.size(1);
        long d = epsilon.length() / n;
        long hw = d / c;
        INDArray gain = channelVector(LayerNorm2d.GAIN);
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
        normalised = null;
        inverseStd = null;
    }
}
