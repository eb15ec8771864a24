package io.streamaug.trainer.model;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The computation of {@link MaxPool}: for float NCHW input with even height and width, a 2×2
 * window at stride 2 without padding, each output is its window's maximum, the first in row-major
 * order among equal ones (as ND4J's op picks it: a later element wins only when strictly greater);
 * a training forward pass keeps the winner's place in its window, and the backward pass sends each
 * output's gradient there and zero elsewhere. The comparisons are integer arithmetic on the floats'
 * bits, without branches (see {@link #poolNonNegative}); NaN, which ND4J never lets win, is taken
 * as the largest value here (activations are not NaN: the trainer stops on a NaN score first).
 * Any other pooling, shape, layout or type, and masked input, is DL4J's subsampling layer unchanged.
 */
final class MaxPoolImpl extends SubsamplingLayer {
    private byte[] winners = new byte[0]; // 0..3: row-major place of each output's maximum in its window
    private long[] keptShape; // the input shape the winners belong to, or null
    private float[] in = new float[0];
    private float[] out = new float[0];

    MaxPoolImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean computedHere(INDArray x) {
        var c = layerConf();
        return c.getPoolingType() == PoolingType.MAX && Arrays.equals(c.getKernelSize(), new int[] {2, 2})
                && Arrays.equals(c.getStride(), new int[] {2, 2}) && Arrays.equals(c.getPadding(), new int[] {0, 0})
                && Arrays.equals(c.getDilation(), new int[] {1, 1}) && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && (c.getConvolutionMode() == ConvolutionMode.Truncate || c.getConvolutionMode() == ConvolutionMode.Same)
                && x != null && x.rank() == 4 && x.dataType() == DataType.FLOAT && dataType == DataType.FLOAT
                && x.size(2) % 2 == 0 && x.size(3) % 2 == 0 && x.length() < Integer.MAX_VALUE && maskArray == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        keptShape = null;
        if (!computedHere(input)) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        long[] shape = input.shape();
        int planes = (int) (shape[0] * shape[1]);
        int h = (int) shape[2];
        int w = (int) shape[3];
        int oh = h / 2;
        int ow = w / 2;
        int outputs = planes * oh * ow;
        in = Floats.atLeast(in, input.length());
        out = Floats.atLeast(out, outputs);
        if (winners.length < outputs) {
            winners = new byte[outputs];
        }
        float[] x = Floats.read(input, in);
        // One pass over the sign bits decides whether the raw bits can be compared as they are.
        int length = planes * h * w;
        int signs = 0;
        for (int i = 0; i < length; i++) {
            signs |= Float.floatToRawIntBits(x[i]);
        }
        if (signs >= 0) {
            poolNonNegative(x, planes, h, w);
        } else {
            pool(x, planes, h, w);
        }
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {shape[0], shape[1], oh, ow}, 'c');
        Floats.write(out, result);
        keptShape = training ? shape : null;
        return result;
    }

    /**
     * Pools input with no sign bit set (after a ReLU: +0 and positive numbers), where a float's bits
     * as an int order as the float does. Without branches, as a tree: the winner of each row's pair,
     * then the lower row's winner when strictly greater, which is the first maximum in row-major order.
     * Which element wins is random, and mispredicted branches had taken most of the time.
     */
    private void poolNonNegative(float[] x, int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                int top = (p * h + 2 * i) * w;
                int o = (p * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    int at = top + 2 * j;
                    int a = Float.floatToRawIntBits(x[at]);
                    int b = Float.floatToRawIntBits(x[at + 1]);
                    int c = Float.floatToRawIntBits(x[at + w]);
                    int d = Float.floatToRawIntBits(x[at + w + 1]);
                    int upperRight = (a - b) >> 31; // all ones when b > a
                    int lowerRight = (c - d) >> 31;
                    int upper = a ^ ((a ^ b) & upperRight);
                    int lower = c ^ ((c ^ d) & lowerRight);
                    int down = (upper - lower) >> 31;
                    out[o + j] = Float.intBitsToFloat(upper ^ ((upper ^ lower) & down));
                    winners[o + j] = (byte) ((upperRight & 1 & ~down) | ((2 | (lowerRight & 1)) & down));
                }
            }
        }
    }

    /** Pools any input: as {@link #poolNonNegative}, on {@link #key}s. */
    private void pool(float[] x, int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                int top = (p * h + 2 * i) * w;
                int o = (p * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    int at = top + 2 * j;
                    int a = key(x[at]);
                    int b = key(x[at + 1]);
                    int c = key(x[at + w]);
                    int d = key(x[at + w + 1]);
                    int upperRight = (int) (((long) a - b) >> 63); // all ones when b > a; long, as keys span every int
                    int lowerRight = (int) (((long) c - d) >> 63);
                    int upper = a ^ ((a ^ b) & upperRight);
                    int lower = c ^ ((c ^ d) & lowerRight);
                    int down = (int) (((long) upper - lower) >> 63);
                    int k = (upperRight & 1 & ~down) | ((2 | (lowerRight & 1)) & down);
                    out[o + j] = x[at + (k & 1) + (k >> 1) * w]; // the winner itself: of −0 and +0, the one that won
                    winners[o + j] = (byte) k;
                }
            }
        }
    }

    /**
     * An int that orders as its float does under {@code >}: −0 and +0 map to the same key (adding +0
     * turns −0 into +0), negative floats are flipped so that larger ones have larger keys. NaN, never
     * greater than anything for {@code >}, has keys above every number here; activations are not NaN.
     */
    static int key(float value) {
        int bits = Float.floatToRawIntBits(value + 0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        long[] shape = keptShape;
        keptShape = null;
        if (shape == null || !Arrays.equals(shape, input.shape()) || epsilon.dataType() != DataType.FLOAT || !computedHere(input)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        int planes = (int) (shape[0] * shape[1]);
        int h = (int) shape[2];
        int w = (int) shape[3];
        int oh = h / 2;
        int ow = w / 2;
        float[] dy = Floats.read(epsilon, out);
        float[] dx = in; // the input's copy is no longer needed
        Arrays.fill(dx, 0, planes * h * w, 0f);
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                int top = (p * h + 2 * i) * w;
                int o = (p * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    int k = winners[o + j];
                    dx[top + 2 * j + (k & 1) + (k >> 1) * w] = dy[o + j];
                }
            }
        }
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, shape, 'c');
        Floats.write(dx, result);
        return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(result));
    }

    @Override
    public void clear() {
        super.clear();
        keptShape = null;
    }
}
