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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 */
final class DenseImpl extends DenseLayer {
    /** Added to σ, as ND4J's {@code standardize} (the layer norm of DL4J's dense layer) does. */
    static final double EPSILON = 1e-12;

    private INDArray preActivation; // z, [N, D], kept from a training forward pass for the backward one
    private INDArray normalised; // x̂, [N, D], with layer norm
    private INDArray inverseStd; // 1/(σ + ε), [N, 1], with layer norm

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
        if (hasLayerNorm()) {
            INDArray xHat = workspaceMgr.createUninitialized(kept, weights.dataType(), new long[] {n, d}, 'c');
            x.mmuli(weights, xHat);
            xHat.subiColumnVector(xHat.mean(1).reshape(n, 1));
            INDArray invStd = workspaceMgr.createUninitialized(kept, weights.dataType(), new long[] {n, 1}, 'c');
            invStd.assign(xHat.std(false, 1).reshape(n, 1)).addi(EPSILON).rdivi(1.0);
            xHat.muliColumnVector(invStd);
            z.assign(xHat).muliRowVector(getParam(DefaultParamInitializer.GAIN_KEY));
            if (training) {
                normalised = xHat;
                inverseStd = invStd;
            }
        } else {
            x.mmuli(weights, z);
        }
        if (hasBias()) {
            z.addiRowVector(getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr));
        }
        if (maskArray != null) {
            applyMask(z);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, z.dataType(), z.shape(), 'c');
        layerConf().getActivationFn().getActivation(out.assign(z), training);
        if (maskArray != null) {
            applyMask(out);
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
        INDArray delta = layerConf().getActivationFn().backprop(preActivation, epsilon).getFirst(); // dz, in place in z
        if (maskArray != null) {
            applyMask(delta);
        }
        Gradient gradient = new DefaultGradient();
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
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY); // f order
        Nd4j.gemm(input.castTo(weightGrad.dataType()), delta, weightGrad, true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);

        INDArray epsilonNext = null;
        if (index > 0) {
            INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {weights.size(0), delta.size(0)}, 'f');
            epsilonNext = weights.mmuli(delta.transpose(), epsilonNext).transpose(); // [N, nIn] without a copy
            epsilonNext = backpropDropOutIfPresent(epsilonNext);
        }
        weightNoiseParams.clear();
        clearKept();
        return new Pair<>(gradient, epsilonNext);
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
}
