package io.streamaug.worker.stats;

import io.streamaug.augment.image.ImageDecoder;
import io.streamaug.augment.image.ImageLimits;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.DatasetStats;
import io.streamaug.core.Split;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.Progress;
import io.streamaug.worker.DatasetDirectory;
import io.streamaug.worker.RawRecord;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * Per-channel statistics of a dataset's <em>training split</em> (never val or test: that would
 * leak), read from the raw images topic up to the end offsets found at start. Each partition gets
 * its own partial statistics, merged at the end (in any order: Chan et al.). Replays of the train
 * split (epoch &gt; 0) are skipped, so each image counts once. A record the worker would send to the
 * dead-letter topic — any record on the topic that breaks the raw record contract (no key, no or an
 * undefined dataset, a text dataset, a label or split not in the contract, headers that are not
 * UTF-8 or contradict each other), checked by the worker's own {@link RawRecord#parse}, and any
 * train image of the dataset the worker's {@link ImageDecoder} refuses (a decompression bomb, a
 * truncated file, an unsupported format) — is skipped and reported, never counted: the statistics
 * are those of the images the workers prepare, converted to the dataset's channels as a spec's
 * default {@code decode} section converts them. Val, test and replayed images are not decoded, so
 * one that does not decode is the workers' alone to dead-letter.
 */
public final class StatsJob {
    /** How many skipped records are reported by key. */
    public static final int REPORTED_SKIPS = 10;

    /** A record skipped, and why (the message the worker would put on its dead letter). */
    public record Skip(String key, int partition, long offset, String reason) {
        @Override
        public String toString() {
            return (key == null ? "(no key)" : key) + " (partition " + partition + ", offset " + offset + "): " + reason;
        }
    }

    /**
     * What the job read, besides the statistics.
     *
     * @param skipped      records skipped because the worker would dead-letter them
     * @param firstSkipped the first {@value #REPORTED_SKIPS} of them, in the order read
     */
    public record Outcome(DatasetStats stats, long recordsRead, long skipped, List<Skip> firstSkipped) {
        public Outcome {
            firstSkipped = List.copyOf(firstSkipped);
        }
    }

    private StatsJob() {
    }

    /** As {@link #compute(Properties, Topics, DatasetInfo, ImageLimits, Duration)} with the worker's default limits. */
    public static Outcome compute(Properties clientProperties, Topics topics, DatasetInfo dataset, Duration timeout) {
        return compute(clientProperties, topics, dataset, ImageLimits.DEFAULT, timeout);
    }

    /** @param limits the image limits of the workers, whose refusals the statistics leave out */
    public static Outcome compute(Properties clientProperties, Topics topics, DatasetInfo dataset, ImageLimits limits,
            Duration timeout) {
        Properties props = KafkaOptions.readerProperties(clientProperties);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        int channels = dataset.channels();
        Map<Integer, DatasetStats> partials = new HashMap<>();
        long read = 0;
        long skipped = 0;
        List<Skip> firstSkipped = new ArrayList<>();
        Map<String, DatasetInfo> defined = new HashMap<>(DatasetCatalog.read(clientProperties, topics, timeout));
        defined.put(dataset.name(), dataset);
        DatasetDirectory catalog = defined::get;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
                ImageDecoder decoder = new ImageDecoder(channels, limits)) {
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
                        byte[] pixels;
                        try {
                            RawRecord raw = RawRecord.parse(record.key(), record.headers(), catalog, false);
                            if (!raw.dataset().name().equals(dataset.name()) || raw.split() != Split.TRAIN || raw.epoch() != 0) {
                                continue;
                            }
                            pixels = decoder.pixels(record.value());
                        } catch (RuntimeException e) { // what the worker would dead-letter
                            if (skipped++ < REPORTED_SKIPS) {
                                firstSkipped.add(new Skip(record.key(), record.partition(), record.offset(),
                                        String.valueOf(e.getMessage())));
                            }
                            continue;
                        }
                        partials.merge(record.partition(), DatasetStats.empty(dataset.name(), channels).addImage(pixels, channels),
                                DatasetStats::merge);
                    }
                }
            }
        }
        DatasetStats merged = DatasetStats.empty(dataset.name(), channels);
        for (DatasetStats partial : partials.values()) {
            merged = merged.merge(partial);
        }
        return new Outcome(merged, read, skipped, firstSkipped);
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
