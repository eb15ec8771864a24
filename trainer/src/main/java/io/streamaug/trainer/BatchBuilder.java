package io.streamaug.trainer;

import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Assembles minibatches from prepared samples into reusable host buffers, with the uint8 affine
 * decode fused into the copy, then hands ND4J one array per batch. Soft labels are used as they
 * are; hard labels become one-hot rows.
 */
final class BatchBuilder {
    private final int inputs;
    private final int classes;
    private float[] features = new float[0];
    private float[] labels = new float[0];

    BatchBuilder(int inputs, int classes) {
        this.inputs = inputs;
        this.classes = classes;
    }

    /**
     * The batch as a DataSet; the caller closes its arrays after use.
     *
     * @throws IllegalArgumentException when a sample's size or label does not fit this model
     */
    DataSet build(List<PreparedSample> samples) {
        int n = samples.size();
        if (features.length != n * inputs) { // exact sizes: ND4J copies whole arrays
            features = new float[n * inputs];
            labels = new float[n * classes];
        }
        java.util.Arrays.fill(labels, 0f);
        for (int i = 0; i < n; i++) {
            PreparedSample sample = samples.get(i);
            check(sample);
            sample.tensor().copyNormalisedTo(features, i * inputs);
            writeLabel(sample.label(), i);
        }
        INDArray x = Nd4j.create(features, new long[] {n, inputs}, 'c');
        INDArray y = Nd4j.create(labels, new long[] {n, classes}, 'c');
        return new DataSet(x, y);
    }

    void check(PreparedSample sample) {
        if (!(sample.payload() instanceof Tensor tensor)) {
            throw new IllegalArgumentException("sample " + sample.id() + " is text; this model takes images");
        }
        if (tensor.elementCount() != inputs) {
            throw new IllegalArgumentException("sample " + sample.id() + " has " + tensor.elementCount()
                    + " values (" + tensor.channels() + "×" + tensor.height() + "×" + tensor.width()
                    + "); the model takes " + inputs);
        }
        Label label = sample.label();
        if (label instanceof Label.Hard hard && hard.index() >= classes) {
            throw new IllegalArgumentException("sample " + sample.id() + " has class " + hard.index()
                    + "; the model has " + classes + " classes");
        }
        if (label instanceof Label.Soft soft && soft.weights().length != classes) {
            throw new IllegalArgumentException("sample " + sample.id() + " has a soft label over "
                    + soft.weights().length + " classes; the model has " + classes);
        }
        if (label instanceof Label.None) {
            throw new IllegalArgumentException("sample " + sample.id() + " has no label");
        }
    }

    private void writeLabel(Label label, int row) {
        if (label instanceof Label.Hard hard) {
            labels[row * classes + hard.index()] = 1f;
        } else if (label instanceof Label.Soft soft) {
            System.arraycopy(soft.weights(), 0, labels, row * classes, classes);
        }
    }
}
