package io.streamaug.worker.stats;

import io.streamaug.augment.image.OpenCv;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.DatasetStats;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.Progress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Per-channel statistics of a dataset's <em>training split</em> (never val or test: that would
 * leak), read from the raw images topic up to the end offsets found at start. Each partition gets
 * its own partial statistics, merged at the end (in any order: Chan et al.). Replays of the train
 * split (epoch &gt; 0) are skipped, so each image counts once.
 */
public final class StatsJob {
    /** What the job read, besides the statistics. */
    public record Outcome(DatasetStats stats, long recordsRead, long undecodable) {
    }

    private StatsJob() {
    }

    public static Outcome compute(Properties clientProperties, Topics topics, DatasetInfo dataset, Duration timeout) {
        OpenCv.load();
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        int channels = dataset.channels();
        Map<Integer, DatasetStats> partials = new HashMap<>();
        long read = 0;
        long undecodable = 0;
        MatOfByte encoded = new MatOfByte();
        Mat rgb = new Mat();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.rawImages(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            try (ProgressBar bar = Progress.bar("stats " + dataset.name(), total, "rec")) {
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                            continue;
                        }
                        read++;
                        bar.step();
                        if (!dataset.name().equals(RawHeaders.get(record.headers(), RawHeaders.DATASET)) || !isFirstTrainPass(record)) {
                            continue;
                        }
                        byte[] pixels = decode(record.value(), channels, encoded, rgb);
                        if (pixels == null) {
                            undecodable++;
                            continue;
                        }
                        partials.merge(record.partition(), DatasetStats.empty(dataset.name(), channels).addImage(pixels, channels),
                                DatasetStats::merge);
                    }
                }
            }
        } finally {
            encoded.release();
            rgb.release();
        }
        DatasetStats merged = DatasetStats.empty(dataset.name(), channels);
        for (DatasetStats partial : partials.values()) {
            merged = merged.merge(partial);
        }
        return new Outcome(merged, read, undecodable);
    }

    private static boolean isFirstTrainPass(ConsumerRecord<String, byte[]> record) {
        try {
            String epoch = RawHeaders.get(record.headers(), RawHeaders.EPOCH);
            return Split.parse(RawHeaders.get(record.headers(), RawHeaders.SPLIT)) == Split.TRAIN
                    && (epoch == null || epoch.isBlank() || Integer.parseInt(epoch.trim()) == 0);
        } catch (IllegalArgumentException e) {
            return false; // a bad split or epoch header: the worker sends such records to the dead-letter topic
        }
    }

    private static byte[] decode(byte[] value, int channels, MatOfByte encoded, Mat rgb) {
        if (value == null || value.length == 0) {
            return null;
        }
        encoded.fromArray(value);
        Mat decoded = Imgcodecs.imdecode(encoded, channels == 1 ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR);
        try {
            if (decoded.empty()) {
                return null;
            }
            Mat image = decoded;
            if (channels == 3) {
                Imgproc.cvtColor(decoded, rgb, Imgproc.COLOR_BGR2RGB);
                image = rgb;
            }
            byte[] pixels = new byte[(int) image.total() * channels];
            image.get(0, 0, pixels);
            return pixels;
        } finally {
            decoded.release();
        }
    }

    /** Publishes the statistics under the next version of the dataset's statistics and returns them. */
    public static DatasetStats publish(Properties clientProperties, Topics topics, DatasetStats stats, Duration timeout) {
        DatasetStats previous = DatasetCatalog.readStats(clientProperties, topics, timeout).get(stats.dataset());
        DatasetStats versioned = stats.withVersion(previous == null ? 1 : previous.version() + 1);
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topics.stats(), versioned.dataset(), versioned.toJson())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing statistics", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("publishing statistics failed: " + e.getCause().getMessage(), e.getCause());
        }
        return versioned;
    }
}
