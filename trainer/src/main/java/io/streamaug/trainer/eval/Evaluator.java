package io.streamaug.trainer.eval;

import io.streamaug.core.wire.MalformedRecordException;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.features.ImageFeatures;
import io.streamaug.trainer.source.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Scores a network on a prepared topic (val or test), read committed from its start to the end
 * offsets found when it begins: mean cross-entropy, accuracy and the confusion matrix. Records of
 * other datasets are passed over; records the model cannot take are counted as skipped and handed
 * to the evaluator's rejects (the dead-letter topic, for {@code evaluate} and the trainer). With
 * {@link TestTimeViews} each image is scored by its class probabilities averaged over its views.
 */
public record Evaluator(Properties clientProperties, String dataset, Featuriser features, int classes, Duration timeout,
        TestTimeViews views, long statsVersion, BiConsumer<ConsumerRecord<byte[], byte[]>, Exception> rejects) {
    /** No statistics version to check: any is scored. */
    public static final long ANY_STATS = -1;

    private static final int BATCH = 256;

    /** The result; {@code confusion[true][predicted]}. */
    public record Evaluation(double loss, long correct, long total, long skipped, long[][] confusion) {
        public double accuracy() {
            return total == 0 ? Double.NaN : (double) correct / total;
        }

        /** Accuracy per true class (NaN for a class with no samples). */
        public double[] perClassAccuracy() {
            double[] out = new double[confusion.length];
            for (int c = 0; c < confusion.length; c++) {
                long n = 0;
                for (long v : confusion[c]) {
                    n += v;
                }
                out[c] = n == 0 ? Double.NaN : (double) confusion[c][c] / n;
            }
            return out;
        }
    }

    public Evaluator(Properties clientProperties, String dataset, Featuriser features, int classes, Duration timeout) {
        this(clientProperties, dataset, features, classes, timeout, TestTimeViews.NONE, ANY_STATS, (record, error) -> { });
    }

    /**
     * An evaluator that scores each sample by its class probabilities averaged over {@code views},
     * refuses samples normalised with other statistics than {@code statsVersion} (unless
     * {@link #ANY_STATS}), and hands each record it cannot score to {@code rejects} (e.g. a
     * {@link io.streamaug.trainer.source.DeadLetterWriter}) besides counting it as skipped.
     */
    public Evaluator {
        if (views.any() && !(features instanceof ImageFeatures)) {
            throw new IllegalArgumentException("test-time views apply to images; this model takes " + features.describe());
        }
    }

    public Evaluation evaluate(String topic, MultiLayerNetwork net) {
        Scores scores = new Scores(features, classes, views);
        List<PreparedSample> batch = new ArrayList<>(BATCH);
        TopicReader.readToEnd(clientProperties, topic, timeout, "evaluation", record -> {
            try {
                PreparedSample sample = PreparedCodec.decode(record.value());
                if (!dataset.equals(sample.dataset())) {
                    return;
                }
                if (statsVersion != ANY_STATS && sample.statsVersion() != statsVersion) {
                    throw new IllegalArgumentException("sample " + sample.id() + " was normalised with stats version "
                            + sample.statsVersion() + ", but the model was trained on version " + statsVersion
                            + "; prepare this split with the workers on that version");
                }
                scores.check(sample);
                batch.add(sample);
            } catch (MalformedRecordException | IllegalArgumentException | IllegalStateException e) {
                scores.skip();
                rejects.accept(record, e);
            }
            if (batch.size() == BATCH) {
                scores.add(net, batch);
                batch.clear();
            }
        });
        if (!batch.isEmpty()) {
            scores.add(net, batch);
        }
        return scores.result();
    }
}
