package io.streamaug.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * One training step of a network whose updater is {@link VectorisedAdam}, as {@code net.fit}
 * makes it, with the update made in one pass over the parameters instead of four. After the
 * backward pass DL4J 1.0.0-M2.1's updater divides the gradient by the minibatch size, adds each
 * weight's L2 term, runs Adam and subtracts the result from the parameters: four passes over all
 * parameters, and for every parameter array four array views made twice (its regularisation is
 * looked up before and after Adam whether or not there is any). At minibatch 1 that bookkeeping
 * cost more than Adam itself. Here each element of the gradient, the parameters and Adam's m and v
 * is read once and written once, in chunks that stay in the core's cache, with the same float
 * arithmetic in the same order: the division, the L2 term as BLAS {@code axpy} adds it (a fused
 * multiply-add), Adam's expressions as {@link VectorisedAdam} has them, the subtraction.
 *
 * <p>Everything else is DL4J's: the forward and backward passes and the score
 * ({@code computeGradientAndScore}), the iteration count, the constraints, the cleanup. {@link #of}
 * returns {@code null} for what the step does not cover — another updater or more than one updater
 * block, weight decay or L1, gradient normalisation, constraints, listeners, truncated BPTT,
 * arrays that are not contiguous floats — and the caller then calls {@code net.fit}. The
 * gradient array is left holding the gradient, not DL4J's update.
 */
public final class FusedStep {
    private final MultiLayerNetwork net;
    private final Updater updater;
    private final VectorisedAdam.Updater adam;
    private final INDArray params;
    private final INDArray gradients;
    private final List<Segment> segments;

    /** A parameter array's place in the flat arrays, whether it is divided by the minibatch and its L2 coefficient. */
    record Segment(long offset, long length, boolean divide, ISchedule l2) {
    }

    private FusedStep(MultiLayerNetwork net, Updater updater, VectorisedAdam.Updater adam, List<Segment> segments) {
        this.net = net;
        this.updater = updater;
        this.adam = adam;
        this.params = net.params();
        this.gradients = net.getFlattenedGradients();
        this.segments = segments;
    }

    /** The fused step for {@code net}, or {@code null} when its configuration needs DL4J's own {@code fit}. */
    public static FusedStep of(MultiLayerNetwork net) {
        if (net.getLayerWiseConfigurations().getBackpropType() != BackpropType.Standard
                || (net.getListeners() != null && !net.getListeners().isEmpty()) || !net.conf().isMiniBatch()) {
            return null;
        }
        if (!(net.getUpdater() instanceof MultiLayerUpdater updater) || updater.getUpdaterBlocks().size() != 1) {
            return null;
        }
        UpdaterBlock block = updater.getUpdaterBlocks().get(0);
        long n = net.numParams();
        if (!(block.getGradientUpdater() instanceof VectorisedAdam.Updater adam) || block.isPretrainUpdaterBlock()
                || block.getParamOffsetStart() != 0 || block.getParamOffsetEnd() != n) {
            return null;
        }
        INDArray params = net.params();
        INDArray gradients = net.getFlattenedGradients();
        if (!VectorisedAdam.Updater.contiguousFloats(params, n) || !VectorisedAdam.Updater.contiguousFloats(gradients, n)
                || !VectorisedAdam.Updater.contiguousFloats(adam.getM(), n) || !VectorisedAdam.Updater.contiguousFloats(adam.getV(), n)) {
            return null;
        }
        List<Segment> segments = new ArrayList<>();
        long offset = 0;
        long base = params.data().address() + params.offset() * Float.BYTES;
        for (Layer layer : net.getLayers()) {
            Map<String, INDArray> table = layer.paramTable(false);
            if (table.isEmpty()) {
                continue;
            }
            var config = layer.conf().getLayer();
            GradientNormalization normalisation = config.getGradientNormalization();
            if ((normalisation != null && normalisation != GradientNormalization.None)
                    || (config.getConstraints() != null && !config.getConstraints().isEmpty())) {
                return null;
            }
            for (Map.Entry<String, INDArray> entry : table.entrySet()) {
                INDArray view = entry.getValue();
                // The views must tile the flat array in this order, as DL4J's updater assumes too.
                if (view.dataType() != DataType.FLOAT || view.data().address() + view.offset() * Float.BYTES != base + offset * Float.BYTES) {
                    return null;
                }
                ISchedule l2 = null;
                List<Regularization> regularisation = config.getRegularizationByParam(entry.getKey());
                if (regularisation != null) {
                    for (Regularization r : regularisation) {
                        if (!(r instanceof L2Regularization l2r) || r.applyStep() != Regularization.ApplyStep.BEFORE_UPDATER || l2 != null) {
                            return null;
                        }
                        l2 = l2r.getL2();
                    }
                }
                segments.add(new Segment(offset, view.length(), layer.updaterDivideByMinibatch(entry.getKey()), l2));
                offset += view.length();
            }
        }
        return offset == n ? new FusedStep(net, updater, adam, List.copyOf(segments)) : null;
    }

    /** One step on this minibatch, as {@code net.fit(features, labels)}; returns the score DL4J reports. */
    public double fit(INDArray features, INDArray labels) {
        if (net.getUpdater() != updater || net.params() != params || net.getFlattenedGradients() != gradients) {
            throw new IllegalStateException("the network's updater or parameters were replaced after its fused step was made");
        }
        net.setInput(features);
        net.setLabels(labels);
        net.setLayerMaskArrays(null, null);
        net.computeGradientAndScore();
        update((int) features.size(0), net.getIterationCount(), net.getEpochCount());
        BaseOptimizer.incrementIterationCount(net, 1);
        net.clearLayerMaskArrays();
        net.clearLayersStates();
        return net.score();
    }

    /** Elements per chunk: the four copies (128 KiB) stay in a core's L2 cache. */
    static final int CHUNK = 8192;
    /** Copies of a chunk of the gradient, the parameters, m and v, reused from step to step on this thread. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][CHUNK]);

    private void update(int minibatch, int iteration, int epoch) {
        Adam config = adam.getConfig();
        float beta1 = (float) config.getBeta1();
        float beta2 = (float) config.getBeta2();
        float epsilon = (float) config.getEpsilon();
        float step = VectorisedAdam.Updater.stepSize(config, iteration, epoch);
        float[][] scratch = SCRATCH.get();
        FloatPointer gp = VectorisedAdam.Updater.pointer(gradients);
        FloatPointer wp = VectorisedAdam.Updater.pointer(params);
        FloatPointer mp = VectorisedAdam.Updater.pointer(adam.getM());
        FloatPointer vp = VectorisedAdam.Updater.pointer(adam.getV());
        for (Segment segment : segments) {
            float divisor = segment.divide() ? minibatch : 1f; // x / 1f is x: no branch in the loop
            float l2 = segment.l2() == null ? 0f : (float) segment.l2().valueAt(iteration, epoch);
            long end = segment.offset() + segment.length();
            for (long start = segment.offset(); start < end; start += CHUNK) {
                int length = (int) Math.min(CHUNK, end - start);
                gp.position(start).get(scratch[0], 0, length);
                wp.position(start).get(scratch[1], 0, length);
                mp.position(start).get(scratch[2], 0, length);
                vp.position(start).get(scratch[3], 0, length);
                if (l2 == 0f) {
                    update(scratch[0], scratch[1], scratch[2], scratch[3], length, divisor, beta1, beta2, epsilon, step);
                } else {
                    update(scratch[0], scratch[1], scratch[2], scratch[3], length, divisor, l2, beta1, beta2, epsilon, step);
                }
                wp.position(start).put(scratch[1], 0, length);
                mp.position(start).put(scratch[2], 0, length);
                vp.position(start).put(scratch[3], 0, length);
            }
        }
    }

    /** g ← g / minibatch; Adam as {@link VectorisedAdam}; w ← w − update. */
    private static void update(float[] g, float[] w, float[] m, float[] v, int n, float divisor, float beta1, float beta2,
            float epsilon, float step) {
        float keep1 = 1f - beta1;
        float keep2 = 1f - beta2;
        for (int i = 0; i < n; i++) {
            float gi = g[i] / divisor;
            float mi = beta1 * m[i] + gi * keep1;
            float vi = beta2 * v[i] + gi * gi * keep2;
            m[i] = mi;
            v[i] = vi;
            w[i] = w[i] - mi * step / ((float) Math.sqrt(vi) + epsilon);
        }
    }

    /** g ← g / minibatch + λ·w (one rounding, as BLAS {@code axpy}); Adam as {@link VectorisedAdam}; w ← w − update. */
    private static void update(float[] g, float[] w, float[] m, float[] v, int n, float divisor, float l2, float beta1,
            float beta2, float epsilon, float step) {
        float keep1 = 1f - beta1;
        float keep2 = 1f - beta2;
        for (int i = 0; i < n; i++) {
            float wi = w[i];
            float gi = Math.fma(l2, wi, g[i] / divisor);
            float mi = beta1 * m[i] + gi * keep1;
            float vi = beta2 * v[i] + gi * gi * keep2;
            m[i] = mi;
            v[i] = vi;
            w[i] = wi - mi * step / ((float) Math.sqrt(vi) + epsilon);
        }
    }
}
