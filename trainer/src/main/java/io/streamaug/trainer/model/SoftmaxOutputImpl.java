package io.streamaug.trainer.model;

import java.lang.reflect.Field;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The computation of {@link SoftmaxOutput}, with x the [N, nIn] input (after dropout), z = xW + b,
 * p = softmax(z) per row and y the labels (already smoothed when label smoothing is on). As DL4J's
 * {@code LossMCXENT} with softmax and its output layer compute them:
 * <ul>
 * <li>dL/dz = p − y per example, dW = xᵀ·dL/dz, db = Σ dL/dz over the minibatch (summed: the
 * updater divides by the minibatch), and the input gradient dL/dz·Wᵀ through the dropout;</li>
 * <li>the score is −Σ y·log(p), p clipped to [ε, 1 − ε] with the loss's ε, summed over the
 * minibatch and divided by its size when the network trains in minibatches, plus the
 * regularisation term the network passes.</li>
 * </ul>
 * The backward pass computes z once and the softmax, its gradient and the data loss in one loop over
 * a Java copy of z, and keeps the loss; the network's {@code computeScore}, which DL4J calls right
 * after the backward pass of a training step, returns it instead of running the forward pass, the
 * softmax and the loss again. The kept loss is used once, only for a training-mode score of the same
 * input and labels arrays with no mask, and is dropped by anything that changes the input, labels,
 * mask or parameters through the layer ({@code setInput}, {@code setLabels}, {@code setParams},
 * {@code activate}, {@code clear}, …); DL4J changes none of them in place between the two calls.
 * Anything else (another activation or loss, loss weights, masks, types other than float and
 * double) is DL4J's output layer unchanged. Double runs through the same loop as float, so DL4J's
 * finite-difference gradient check covers it.
 */
final class SoftmaxOutputImpl extends OutputLayer {
    /** DL4J's computeScore records the regularisation term here; the kept score must too. */
    private static final Field FULL_NET_REG_TERM;

    static {
        try {
            FULL_NET_REG_TERM = BaseOutputLayer.class.getDeclaredField("fullNetRegTerm");
            FULL_NET_REG_TERM.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private boolean lossKept;
    private double keptLoss; // −Σ y·log(p) over the minibatch, from the last backward pass
    private INDArray keptInput; // the input (after dropout) and labels it belongs to
    private INDArray keptLabels;
    private final Scratch scratch = new Scratch();

    SoftmaxOutputImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Softmax with DL4J's unweighted MCXENT on float (or, for DL4J's gradient check, double)
     * matrices without masks: what this layer computes itself.
     */
    private boolean computedHere() {
        ILossFunction loss = layerConf().getLossFn();
        return input != null && labels != null && maskArray == null
                && layerConf().getActivationFn() instanceof ActivationSoftmax
                && loss.getClass() == LossMCXENT.class && ((LossMCXENT) loss).getWeights() == null
                && (dataType == DataType.FLOAT || dataType == DataType.DOUBLE) && input.rank() == 2 && labels.rank() == 2
                && getParam(DefaultParamInitializer.WEIGHT_KEY).dataType() == dataType && labels.dataType() == dataType
                && labels.size(0) == input.size(0) && labels.size(1) == layerConf().getNOut();
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        forgetLoss();
        if (!computedHere()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray z = preOutput2d(true, workspaceMgr); // applies dropout to the input, as DL4J's does
        int n = (int) z.size(0);
        int c = (int) z.size(1);
        double[] dz = read(z, scratch.z(n * c)); // becomes p − y
        double[] y = read(getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM), scratch.labels(n * c));
        double[] biasGrad = scratch.biasGrad(c);
        double loss = softmaxCrossEntropy(dz, y, n, c, ((LossMCXENT) layerConf().getLossFn()).getSoftmaxClipEps(), biasGrad);
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, z.dataType(), new long[] {n, c}, 'c');
        write(dz, delta);

        Gradient gradient = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Gemm.product(input.castTo(weightGrad.dataType()), true, delta, false, weightGrad);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        if (hasBias()) {
            INDArray biasGradView = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            write(biasGrad, biasGradView);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradView);
        }

        INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                new long[] {weights.size(0), n}, 'f');
        epsilonNext = Gemm.product(weights, false, delta, true, epsilonNext).transpose(); // [N, nIn] without a copy
        epsilonNext = backpropDropOutIfPresent(epsilonNext);

        lossKept = true;
        keptLoss = loss;
        keptInput = input;
        keptLabels = labels;
        return new Pair<>(gradient, epsilonNext);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        boolean kept = lossKept && training && input == keptInput && labels == keptLabels && maskArray == null;
        double loss = keptLoss;
        forgetLoss();
        if (!kept) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        try {
            FULL_NET_REG_TERM.setDouble(this, fullNetRegTerm);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot record the regularisation term of DL4J's output layer", e);
        }
        if (conf().isMiniBatch()) {
            loss /= getInputMiniBatchSize();
        }
        score = loss + fullNetRegTerm;
        return score;
    }

    private void forgetLoss() {
        lossKept = false;
        keptInput = null;
        keptLabels = null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        forgetLoss();
        return super.activate(training, workspaceMgr);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        forgetLoss();
        super.setInput(input, workspaceMgr);
    }

    @Override
    public void setLabels(INDArray labels) {
        forgetLoss();
        super.setLabels(labels);
    }

    @Override
    public void setMaskArray(INDArray maskArray) {
        forgetLoss();
        super.setMaskArray(maskArray);
    }

    @Override
    public void setParams(INDArray params) {
        forgetLoss();
        super.setParams(params);
    }

    @Override
    public void setParam(String key, INDArray val) {
        forgetLoss();
        super.setParam(key, val);
    }

    @Override
    public void setParamTable(Map<String, INDArray> paramTable) {
        forgetLoss();
        super.setParamTable(paramTable);
    }

    @Override
    public void setParamsViewArray(INDArray params) {
        forgetLoss();
        super.setParamsViewArray(params);
    }

    @Override
    public void update(Gradient gradient) {
        forgetLoss();
        super.update(gradient);
    }

    @Override
    public void update(INDArray gradient, String paramType) {
        forgetLoss();
        super.update(gradient, paramType);
    }

    @Override
    public void clear() {
        super.clear();
        forgetLoss();
    }

    /**
     * Turns each row of {@code z} into p − y in place, p = softmax(z) (computed in double), adds the
     * columns of p − y into {@code biasGrad} (from zero) and returns −Σ y·log(p) over all rows, p
     * clipped to [clip, 1 − clip] as DL4J's {@code LossMCXENT} clips it when {@code clip} > 0.
     */
    static double softmaxCrossEntropy(double[] z, double[] y, int n, int c, double clip, double[] biasGrad) {
        java.util.Arrays.fill(biasGrad, 0, c, 0.0);
        double loss = 0;
        for (int r = 0; r < n; r++) {
            int base = r * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = base; i < base + c; i++) {
                max = Math.max(max, z[i]);
            }
            double sum = 0;
            for (int i = base; i < base + c; i++) {
                double e = Math.exp(z[i] - max);
                z[i] = e;
                sum += e;
            }
            double inverse = 1.0 / sum;
            for (int i = base; i < base + c; i++) {
                double p = z[i] * inverse;
                if (y[i] != 0) { // 0·log(p) adds nothing (DL4J's clipping keeps log(p) finite)
                    loss -= y[i] * Math.log(clip > 0 ? Math.min(Math.max(p, clip), 1 - clip) : p);
                }
                double g = p - y[i];
                z[i] = g;
                biasGrad[i - base] += g;
            }
        }
        return loss;
    }

    /** The values of a float or double matrix, row-major, into the start of {@code into}. */
    private double[] read(INDArray from, double[] into) {
        int length = Math.toIntExact(from.length());
        if (from.dataType() == DataType.FLOAT) {
            float[] floats = Floats.read(from, scratch.floats(length));
            for (int i = 0; i < length; i++) {
                into[i] = floats[i];
            }
        } else {
            System.arraycopy(from.dup('c').data().asDouble(), 0, into, 0, length);
        }
        return into;
    }

    /** The start of {@code from} into a float or double array, row-major. */
    private void write(double[] from, INDArray to) {
        int length = Math.toIntExact(to.length());
        if (to.dataType() == DataType.FLOAT) {
            float[] floats = scratch.floats(length);
            for (int i = 0; i < length; i++) {
                floats[i] = (float) from[i];
            }
            Floats.write(floats, to);
        } else {
            to.assign(Nd4j.create(java.util.Arrays.copyOf(from, length), to.shape(), 'c'));
        }
    }

    /** Java arrays for the softmax loop, reused from step to step and grown with the minibatch. */
    private static final class Scratch {
        private double[] z = new double[0];
        private double[] labels = new double[0];
        private double[] biasGrad = new double[0];
        private float[] floats = new float[0];

        double[] z(int length) {
            return z = atLeast(z, length);
        }

        double[] labels(int length) {
            return labels = atLeast(labels, length);
        }

        double[] biasGrad(int length) {
            return biasGrad = atLeast(biasGrad, length);
        }

        float[] floats(int length) {
            return floats = Floats.atLeast(floats, length);
        }

        private static double[] atLeast(double[] array, int length) {
            return array.length >= length ? array : new double[length];
        }
    }
}
