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
 * output's gradient there and zero elsewhere. Any other pooling, shape, layout or type, and masked
 * input, is DL4J's subsampling layer unchanged.
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
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                int top = (p * h + 2 * i) * w;
                int bottom = top + w;
                int o = (p * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    float max = x[top + 2 * j];
                    int k = 0;
                    float v = x[top + 2 * j + 1];
                    if (v > max) {
                        max = v;
                        k = 1;
                    }
                    v = x[bottom + 2 * j];
                    if (v > max) {
                        max = v;
                        k = 2;
                    }
                    v = x[bottom + 2 * j + 1];
                    if (v > max) {
                        max = v;
                        k = 3;
                    }
                    out[o + j] = max;
                    winners[o + j] = (byte) k;
                }
            }
        }
        INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {shape[0], shape[1], oh, ow}, 'c');
        Floats.write(out, result);
        keptShape = training ? shape : null;
        return result;
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
