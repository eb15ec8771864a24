package io.streamaug.trainer;

import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.MalformedRecordException;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Accuracy of a network on a prepared topic, read from its start to the end offsets found when it begins. */
public final class Evaluator {
    /** Correct predictions out of the samples scored; {@code skipped} could not be used. */
    public record Accuracy(long correct, long total, long skipped) {
        public double value() {
            return total == 0 ? Double.NaN : (double) correct / total;
        }
    }

    private Evaluator() {
    }

    public static Accuracy evaluate(Properties clientProperties, String topic, MultiLayerNetwork net, int classes,
            Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        long correct = 0;
        long total = 0;
        long skipped = 0;
        int inputs = (int) net.layerInputSize(0);
        BatchBuilder batches = new BatchBuilder(inputs, classes);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            List<PreparedSample> batch = new ArrayList<>(256);
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
                        batches.check(sample);
                        batch.add(sample);
                    } catch (MalformedRecordException | IllegalArgumentException | IllegalStateException e) {
                        skipped++;
                    }
                    if (batch.size() == 256) {
                        correct += score(net, batches, batch);
                        total += batch.size();
                        batch.clear();
                    }
                }
            }
            if (!batch.isEmpty()) {
                correct += score(net, batches, batch);
                total += batch.size();
            }
        }
        return new Accuracy(correct, total, skipped);
    }

    private static long score(MultiLayerNetwork net, BatchBuilder batches, List<PreparedSample> batch) {
        DataSet data = batches.build(batch);
        try (INDArray output = net.output(data.getFeatures(), false); INDArray predicted = output.argMax(1)) {
            int[] classes = predicted.toIntVector();
            long correct = 0;
            for (int i = 0; i < batch.size(); i++) {
                if (classes[i] == trueClass(batch.get(i).label())) {
                    correct++;
                }
            }
            return correct;
        } finally {
            data.getFeatures().close();
            data.getLabels().close();
        }
    }

    private static int trueClass(Label label) {
        if (label instanceof Label.Hard hard) {
            return hard.index();
        }
        float[] w = ((Label.Soft) label).weights();
        int best = 0;
        for (int i = 1; i < w.length; i++) {
            if (w[i] > w[best]) {
                best = i;
            }
        }
        return best;
    }
}
