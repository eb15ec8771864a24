package io.streamaug.trainer.eval;

import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.core.BatchBuilder;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores batches of samples as they come (inference mode, hard targets): the summed
 * cross-entropy, the correct count and the confusion matrix, whatever the samples were read from.
 * With {@link TestTimeViews} each image counts by its class probabilities averaged over its views.
 */
public final class Scores {
    private final Featuriser features;
    private final BatchBuilder batches;
    private final TestTimeViews views;
    private final long[][] confusion;
    private double lossSum;
    private long correct;
    private long total;
    private long skipped;

    public Scores(Featuriser features, int classes, TestTimeViews views) {
        this.features = features;
        this.batches = new BatchBuilder(features, classes, 0);
        this.views = views;
        this.confusion = new long[classes][classes];
    }

    /** @throws IllegalArgumentException when the sample does not fit the model */
    public void check(PreparedSample sample) {
        batches.check(sample);
    }

    /** Counts a record that could not be scored. */
    public void skip() {
        skipped++;
    }

    public void add(MultiLayerNetwork net, List<PreparedSample> batch) {
        DataSet data = batches.build(batch);
        try (INDArray output = output(net, data); INDArray predicted = output.argMax(1)) {
            lossSum += BatchBuilder.crossEntropy(output, data.getLabels()) * batch.size();
            int[] classOf = predicted.toIntVector();
            for (int i = 0; i < batch.size(); i++) {
                int truth = BatchBuilder.trueClass(batch.get(i).label());
                confusion[truth][classOf[i]]++;
                if (classOf[i] == truth) {
                    correct++;
                }
            }
            total += batch.size();
        } finally {
            data.getFeatures().close();
            data.getLabels().close();
        }
    }

    public Evaluator.Evaluation result() {
        return new Evaluator.Evaluation(total == 0 ? Double.NaN : lossSum / total, correct, total, skipped, confusion);
    }

    /**
     * The class probabilities of the batch, averaged over the test-time views when there are
     * several: each view is made from the batch's decoded features, into one reused buffer.
     */
    private INDArray output(MultiLayerNetwork net, DataSet data) {
        INDArray sum = net.output(data.getFeatures(), false);
        if (!views.any()) {
            return sum;
        }
        ImageFeatures shape = (ImageFeatures) features;
        float[] decoded = data.getFeatures().data().asFloat();
        float[] view = new float[decoded.length];
        long[] dims = data.getFeatures().shape();
        for (int v = 1; v < views.count(); v++) {
            views.write(decoded, view, (int) dims[0], shape, v);
            try (INDArray input = Nd4j.create(view, dims, 'c'); INDArray output = net.output(input, false)) {
                sum.addi(output);
            }
        }
        return sum.divi(views.count());
    }
}
