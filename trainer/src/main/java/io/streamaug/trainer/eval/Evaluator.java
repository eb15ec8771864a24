package io.streamaug.trainer.eval;

import io.streamaug.core.wire.MalformedRecordException;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.features.Featuriser;
import io.streamaug.trainer.features.ImageFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Scores a network on a prepared topic (val or test), read committed from its start to the end
 * offsets found when it begins: mean cross-entropy, accuracy and the confusion matrix. Records of
 * other datasets are passed over; records the model cannot take are counted as skipped. With
 * {@link TestTimeViews} each image is scored by its class probabilities averaged over its views.
 */
public final class Evaluator {
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

    private final Properties clientProperties;
    private final String dataset;
    private final Featuriser features;
    private final int classes;
    private final Duration timeout;
    private final TestTimeViews views;

    public Evaluator(Properties clientProperties, String dataset, Featuriser features, int classes, Duration timeout) {
        this(clientProperties, dataset, features, classes, timeout, TestTimeViews.NONE);
    }

    /** An evaluator that scores each sample by its class probabilities averaged over {@code views}. */
    public Evaluator(Properties clientProperties, String dataset, Featuriser features, int classes, Duration timeout,
            TestTimeViews views) {
        if (views.any() && !(features instanceof ImageFeatures)) {
            throw new IllegalArgumentException("test-time views apply to images; this model takes " + features.describe());
        }
        this.clientProperties = clientProperties;
        this.dataset = dataset;
        this.features = features;
        this.classes = classes;
        this.timeout = timeout;
        this.views = views;
    }

    /** A group-less, read-committed reader of prepared records, for reading a topic from its start. */
    public static Properties readerProperties(Properties clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    public Evaluation evaluate(String topic, MultiLayerNetwork net) {
        Properties props = readerProperties(clientProperties);
        Scores scores = new Scores(features, classes, views);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            List<PreparedSample> batch = new ArrayList<>(BATCH);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("evaluation on " + topic + " did not finish within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    try {
                        PreparedSample sample = PreparedCodec.decode(record.value());
                        if (!dataset.equals(sample.dataset())) {
                            continue;
                        }
                        scores.check(sample);
                        batch.add(sample);
                    } catch (MalformedRecordException | IllegalArgumentException | IllegalStateException e) {
                        scores.skip();
                    }
                    if (batch.size() == BATCH) {
                        scores.add(net, batch);
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                scores.add(net, batch);
            }
        }
        return scores.result();
    }
}
