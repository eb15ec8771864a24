package io.streamaug.worker;

import io.streamaug.augment.image.ImageLimits;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.TurboJpeg;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.text.Lexicon;
import io.streamaug.augment.text.TextPipeline;
import io.streamaug.augment.text.TextSpec;
import io.streamaug.kafka.RecordLimits;
import io.streamaug.kafka.Topics;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one augment worker instance is made of, and the one place that makes it: the
 * {@code augment} command, the demo and the tests all build workers here, so that a mixing spec
 * gets its partner buffer and a dead-letter count wherever a worker runs. Each record's class
 * count (for mixing and label smoothing) comes from its own dataset's definition, so one worker
 * serves datasets of different class counts.
 *
 * @param client        Kafka client settings (bootstrap servers, {@code --kafka} overrides)
 * @param textSpec      the text spec, or {@code null} to leave the raw text topic alone
 * @param mixBuffer     train samples kept per partition and dataset as mixing partners
 */
public record WorkerSetup(Properties client, Topics topics, String applicationId, int threads, Path stateDir,
        PipelineSpec imageSpec, Normalization normalization, ImageLimits limits, TextSpec textSpec, int mixBuffer) {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSetup.class);

    public WorkerSetup {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (mixBuffer < 1) {
            throw new IllegalArgumentException("--mix-buffer must be at least 1, got " + mixBuffer);
        }
        if (normalization.channels() != imageSpec.channels()) {
            throw new IllegalArgumentException("the normalisation has " + normalization.channels()
                    + " channel(s) but the spec decodes " + imageSpec.channels());
        }
    }

    /** A worker with the defaults: one thread, default limits, no text, the default mix buffer. */
    public static WorkerSetup of(Properties client, Topics topics, String applicationId, Path stateDir,
            PipelineSpec imageSpec, Normalization normalization) {
        return new WorkerSetup(client, topics, applicationId, 1, stateDir, imageSpec, normalization,
                ImageLimits.DEFAULT, null, AugmentTopology.DEFAULT_MIX_BUFFER);
    }

    /** The same worker, also preparing raw text with {@code spec}. */
    public WorkerSetup withText(TextSpec spec) {
        return new WorkerSetup(client, topics, applicationId, threads, stateDir, imageSpec, normalization, limits, spec,
                mixBuffer);
    }

    /**
     * Builds the worker (not started); {@code deadLetters} counts the records it dead-letters. The
     * output topics' size limits are read from the cluster, so that a record too large for its topic
     * is dead-lettered rather than refused by the broker.
     */
    public AugmentWorker build(AtomicLong deadLetters) {
        return build(deadLetters, DatasetDirectory.fromKafka(client, topics), recordLimits(), null);
    }

    /**
     * Builds the worker (not started) as {@link #build(AtomicLong)} does, and meanwhile, on a thread
     * of its own, loads what its first records need and its group join does not: OpenCV's native
     * library and the dataset definitions. {@code clock} gets the phase "Kafka checks" (the output
     * topics' limits, with the topic checks before it), and the loads and the pipelines' making as parts.
     */
    public AugmentWorker build(AtomicLong deadLetters, StartupClock clock) {
        DatasetDirectory datasets = DatasetDirectory.fromKafka(client, topics);
        Thread preload = new Thread(() -> {
            // A failure here is not reported: the task that needs what failed to load tries again, and says why.
            try {
                clock.time("OpenCV", () -> {
                    OpenCv.load();
                    return true;
                });
            } catch (RuntimeException | LinkageError e) {
                // the image tasks' pipelines load it again
            }
            try {
                clock.time("dataset definitions", () -> {
                    datasets.preload();
                    return true;
                });
            } catch (RuntimeException e) {
                // the first record that needs them reads them again
            }
        }, "streamaug-worker-preload");
        preload.setDaemon(true);
        preload.start();
        RecordLimits records = recordLimits();
        clock.phase("Kafka checks");
        return build(deadLetters, datasets, records, clock);
    }

    /** With a {@code clock} (else {@code null}), the pipelines' making is timed into it. */
    private AugmentWorker build(AtomicLong deadLetters, DatasetDirectory datasets, RecordLimits records, StartupClock clock) {
        String jpegDecoder = TurboJpeg.inUse(); // a bad STREAMAUG_JPEG_DECODER fails here, not in a stream thread
        if (TurboJpeg.loaded()) {
            LOG.info(jpegDecoder);
        } else {
            LOG.warn(jpegDecoder);
        }
        Properties config = AugmentConfig.build(client, topics, applicationId, threads, stateDir.toString(), records);
        config.put(DeadLetterHandler.COUNTER_CONFIG, deadLetters);
        TextSpec text = textSpec;
        Supplier<ImagePipeline> images = () -> new ImagePipeline(imageSpec, normalization, 0, limits);
        Supplier<TextPipeline> texts = text == null ? null : () -> new TextPipeline(text, Lexicon.get());
        return new AugmentWorker(AugmentTopology.build(topics, datasets,
                clock == null ? images : () -> clock.time("image pipelines", images),
                clock == null || texts == null ? texts : () -> clock.time("text pipelines with WordNet", texts),
                imageSpec.mixing().mixes(), mixBuffer, records.preparedBytes()), config);
    }

    private RecordLimits recordLimits() {
        Properties props = new Properties();
        props.putAll(client);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        try (Admin admin = Admin.create(props)) {
            return RecordLimits.of(admin, topics);
        } catch (ExecutionException e) {
            LOG.warn("could not read the output topics' max.message.bytes ({}); assuming Kafka's default",
                    e.getCause().toString());
            return RecordLimits.KAFKA_DEFAULTS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RecordLimits.KAFKA_DEFAULTS;
        }
    }

    /** The topics the worker consumes: the raw images, and the raw text when it prepares text. */
    public java.util.List<String> inputTopics() {
        return textSpec == null ? java.util.List.of(topics.rawImages()) : java.util.List.of(topics.rawImages(), topics.rawText());
    }

    /** Builds the worker (not started). */
    public AugmentWorker build() {
        return build(new AtomicLong());
    }
}
