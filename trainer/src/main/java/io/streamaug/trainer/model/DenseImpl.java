package io.streamaug.trainer.model;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation of {@link Dense}, with x the [N, nIn] input (after dropout) and W [nIn, D]:
 * <ul>
 * <li>without layer norm, z = xW + b;</li>
 * <li>with it, x̂ = (xW − mean) / (σ + 1e-12) per example (σ the population standard deviation,
 * as ND4J's {@code standardize}), z = g·x̂ + b;</li>
 * <li>y = act(z).</li>
 * </ul>
 * A training forward pass keeps z (and x̂ with 1/(σ + 1e-12)) for the backward pass, which
 * therefore multiplies no matrix twice. Backward: dz = act'(z)·dy, db = Σ dz; with layer norm
 * dg = Σ dz·x̂ and, with d = g·dz, the closed form d(xW) = (d − mean(d) − x̂·mean(d·x̂)) / (σ + 1e-12)
 * per example; dW = xᵀ·d(xW), and the input gradient d(xW)·Wᵀ unless this is the network's first
 * layer, whose input gradient the network discards (DL4J's embedding layer returns none either).
 * In float the layer norm and its gradient run as Java loops ({@link RowNorm}) on copies of the
 * arrays; in other types as whole-array ND4J ops.
 */
final class DenseImpl extends DenseLayer {
    /** Added to σ, as ND4J's {@code standardize} (the layer norm of DL4J's dense layer) does. */
    static final double EPSILON = 1e-12;

    private INDArray preActivation; // z, [N, D], kept from a training forward pass for the backward one
    private INDArray normalised; // x̂, [N, D], with layer norm
    private INDArray inverseStd; // 1/(σ + ε), [N, 1], with layer norm
    private final Scratch scratch = new Scratch();

    DenseImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray x = input.castTo(dataType);
        if (x.rank() != 2 || x.columns() != weights.rows()) {
            throw new DL4JInvalidInputException("Dense layer " + layerId() + " takes a matrix of " + weights.rows()
                    + " columns, got shape " + Arrays.toString(x.shape()) + ". Missing preprocessor or wrong input type?");
        }
        long n = x.size(0);
        long d = weights.size(1);
        ArrayType kept = training ? ArrayType.INPUT : ArrayType.FF_WORKING_MEM;
        INDArray z = workspaceMgr.createUninitialized(kept, weights.dataType(), new long[] {n, d}, 'c');
        INDArray bias = hasBias() ? getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr) : null;
        float[] activation = null; // the ReLU computed on the layer norm's copy, when it is
        if (hasLayerNorm()) {
            INDArray xHat = workspaceMgr.createUninitialized(kept, weights.dataType(), new long[] {n, d}, 'c');
            Gemm.product(x, false, weights, false, xHat);
            INDArray invStd = workspaceMgr.createUninitialized(kept, weights.dataType(), new long[] {n, 1}, 'c');
            INDArray gain = getParam(DefaultParamInitializer.GAIN_KEY);
            if (xHat.dataType() == DataType.FLOAT) {
                float[] rows = scratch.rows(n * d);
                float[] zs = scratch.z(n * d);
                Floats.read(xHat, rows);
                RowNorm.forward(rows, (int) n, (int) d, EPSILON, Floats.read(gain, scratch.gain(d)),
                        bias == null ? null : Floats.read(bias, scratch.bias(d)), scratch.inverseStd(n), zs);
                Floats.write(rows, xHat);
                Floats.write(scratch.inverseStd(n), invStd);
                Floats.write(zs, z);
                if (plainRelu() && maskArray == null) {
                    // The activation from the copy in hand: ND4J's ReLU op and the copy before it are two more passes.
                    activation = relu(zs, (int) (n * d));
                }
                bias = null; // added
            } else {
                xHat.subiColumnVector(xHat.mean(1).reshape(n, 1));
                invStd.assign(xHat.std(false, 1).reshape(n, 1)).addi(EPSILON).rdivi(1.0);
                xHat.muliColumnVector(invStd);
                z.assign(xHat).muliRowVector(gain);
            }
            if (training) {
                normalised = xHat;
                inverseStd = invStd;
            }
        } else {
            Gemm.product(x, false, weights, false, z);
        }
        if (bias != null) {
            z.addiRowVector(bias);
        }
        if (maskArray != null) {
            applyMask(z);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, z.dataType(), z.shape(), 'c');
        if (activation != null) {
            Floats.write(activation, out);
        } else {
            layerConf().getActivationFn().getActivation(out.assign(z), training);
            if (maskArray != null) {
                applyMask(out);
            }
        }
        preActivation = training ? z : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (preActivation == null) {
            throw new IllegalStateException("Dense layer " + layerId() + ": backward pass without a training forward pass");
        }
        boolean javaNorm = hasLayerNorm() && preActivation.dataType() == DataType.FLOAT;
        boolean javaRelu = javaNorm && plainRelu() && maskArray == null && epsilon.dataType() == DataType.FLOAT
                && Arrays.equals(epsilon.shape(), preActivation.shape());
        INDArray delta;
        if (javaRelu) {
            delta = preActivation; // dz, written below in place of z
        } else {
            delta = layerConf().getActivationFn().backprop(preActivation, epsilon).getFirst(); // dz, in place in z
            if (maskArray != null) {
                applyMask(delta);
            }
        }
        Gradient gradient = new DefaultGradient();
        if (javaNorm) {
            int n = (int) delta.size(0);
            int d = (int) delta.size(1);
            float[] dz = javaRelu ? reluBackward(Floats.read(preActivation, scratch.z(n * d)),
                    Floats.read(epsilon, scratch.rows(n * d)), n * d) : Floats.read(delta, scratch.z(n * d));
            float[] biasGrad = hasBias() ? scratch.bias(d) : null;
            RowNorm.backward(dz, Floats.read(normalised, scratch.rows(n * d)), n, d,
                    Floats.read(getParam(DefaultParamInitializer.GAIN_KEY), scratch.gain(d)),
                    Floats.read(inverseStd, scratch.inverseStd(n)), scratch.gainGrad(d), biasGrad);
            Floats.write(dz, delta);
            if (biasGrad != null) {
                INDArray biasGradView = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
                Floats.write(biasGrad, biasGradView);
                gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradView);
            }
            INDArray gainGradView = gradientViews.get(DefaultParamInitializer.GAIN_KEY);
            Floats.write(scratch.gainGrad(d), gainGradView);
            gradient.gradientForVariable().put(DefaultParamInitializer.GAIN_KEY, gainGradView);
        } else {
            backpropNormAndBiasWithNd4j(delta, gradient, workspaceMgr);
        }
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY); // f order
        Gemm.product(input.castTo(weightGrad.dataType()), true, delta, false, weightGrad);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);

        INDArray epsilonNext = null;
        if (index > 0) {
            INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {weights.size(0), delta.size(0)}, 'f');
            epsilonNext = Gemm.product(weights, false, delta, true, epsilonNext).transpose(); // [N, nIn] without a copy
            epsilonNext = backpropDropOutIfPresent(epsilonNext);
        }
        weightNoiseParams.clear();
        clearKept();
        return new Pair<>(gradient, epsilonNext);
    }

    /** Whether the activation is ND4J's plain ReLU (no cap, threshold or slope), which this layer computes in Java on the copies it has. */
    private boolean plainRelu() {
        return PLAIN_RELU.equals(layerConf().getActivationFn());
    }

    private static final ActivationReLU PLAIN_RELU = new ActivationReLU();

    /**
     * max(z, 0) into a scratch array, as ND4J's {@code relu} (z > 0 ? z : 0; −0 gives +0). Written
     * with {@code Math.max}, which the JIT vectorises, not with a branch: about half of z is negative,
     * at random, and the mispredicted branch made this loop several times slower.
     */
    private float[] relu(float[] z, int length) {
        float[] out = scratch.out(length);
        for (int i = 0; i < length; i++) {
            out[i] = Math.max(z[i], 0f);
        }
        return out;
    }

    /**
     * dz = dy where z > 0, else +0, into {@code z}, as ND4J's {@code relu_bp}; without a branch, for the
     * same reason as {@link #relu}: (−b) & ~b has its sign bit set exactly when the int b is positive,
     * and a float is positive exactly when its bits are.
     */
    private static float[] reluBackward(float[] z, float[] dy, int length) {
        for (int i = 0; i < length; i++) {
            int bits = Float.floatToRawIntBits(z[i]);
            int passes = (-bits & ~bits) >> 31;
            z[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & passes);
        }
        return z;
    }

    /** The bias and layer-norm gradients with ND4J's ops (for data types other than float); turns {@code delta} into d(xW). */
    private void backpropNormAndBiasWithNd4j(INDArray delta, Gradient gradient, LayerWorkspaceMgr workspaceMgr) {
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGrad, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        if (hasLayerNorm()) {
            long n = delta.size(0);
            INDArray gain = getParam(DefaultParamInitializer.GAIN_KEY);
            INDArray gainGrad = gradientViews.get(DefaultParamInitializer.GAIN_KEY);
            INDArray work = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, delta.dataType(), delta.shape(), 'c');
            delta.mul(normalised, work).sum(gainGrad, 0); // dg = Σ dz·x̂
            delta.muliRowVector(gain); // d = g·dz
            work.muliRowVector(gain); // d·x̂
            INDArray meanD = delta.mean(1).reshape(n, 1);
            INDArray meanDXHat = work.mean(1).reshape(n, 1);
            work.assign(normalised).muliColumnVector(meanDXHat);
            delta.subi(work).subiColumnVector(meanD).muliColumnVector(inverseStd);
            gradient.gradientForVariable().put(DefaultParamInitializer.GAIN_KEY, gainGrad);
        }
    }

    private void clearKept() {
        preActivation = null;
        normalised = null;
        inverseStd = null;
    }

    @Override
    public void clear() {
        super.clear();
        clearKept();
    }

    /** Java arrays for {@link RowNorm}, reused from step to step and grown with the minibatch. */
    private static final class Scratch {
        private float[] rows = new float[0];
        private float[] z = new float[0];
        private float[] inverseStd = new float[0];
        private float[] gain = new float[0];
        private float[] bias = new float[0];
        private float[] gainGrad = new float[0];
        private float[] out = new float[0];

        float[] out(long length) {
            return out = Floats.atLeast(out, length);
        }

        float[] rows(long length) {
            return rows = Floats.atLeast(rows, length);
        }

        float[] z(long length) {
            return z = Floats.atLeast(z, length);
        }

        float[] inverseStd(long length) {
            return inverseStd = Floats.atLeast(inverseStd, length);
        }

        float[] gain(long length) {
            return gain = Floats.atLeast(gain, length);
        }

        float[] bias(long length) {
            return bias = Floats.atLeast(bias, length);
        }

        float[] gainGrad(long length) {
            return gainGrad = Floats.atLeast(gainGrad, length);
        }
    }
}
