package io.streamaug.worker;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.text.TextPipeline;
import io.streamaug.kafka.Topics;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.kafka.PreparedSerde;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The augment topology: raw images and raw texts → prepare (check the record's contract against
 * its dataset's definition, decode, augment train, normalise) → the prepared topic of each split.
 *
 * <p>Images and texts are two independent sub-topologies, so two kinds of task: a task that read
 * both would process its two partitions in timestamp order (Kafka Streams' stream-time
 * synchronisation), holding every text record back until the image backlog before it had been
 * prepared, for minutes on a busy image topic, and moving the texts with every image rebalance.
 * Nothing joins the two streams, so nothing needs them ordered against each other.
 */
public final class AugmentTopology {
    private AugmentTopology() {
    }

    /**
     * The mixing buffer's changelog, compacted as it goes. The buffer holds a few hundred samples, but
     * every sample rewrites two keys: with Kafka's 1 GB segments nothing is compacted for hundreds of
     * thousands of records, and a worker that takes a partition over after a crash (exactly-once wipes
     * the crashed task's local state) restores all of them before it works. Small segments and an
     * eager cleaner keep the restore to one segment plus the buffer itself.
     */
    static final java.util.Map<String, String> MIX_CHANGELOG = java.util.Map.of(
            "segment.bytes", Integer.toString(8 * 1024 * 1024),
            "segment.ms", "60000",
            "min.cleanable.dirty.ratio", "0.1");

    /**
     * The topology with a mixing buffer of {@link #DEFAULT_MIX_BUFFER} samples when the image spec
     * mixes (asked of one pipeline from {@code images}, closed at once).
     *
     * @param datasets where dataset definitions are looked up
     * @param images   makes one image pipeline per stream task (each owns native buffers)
     * @param texts    makes one text pipeline per stream task, or {@code null} to leave raw text alone
     */
    public static Topology build(Topics topics, DatasetDirectory datasets, Supplier<ImagePipeline> images,
            Supplier<TextPipeline> texts) {
        boolean mixes;
        try (ImagePipeline probe = images.get()) {
            mixes = probe.spec().mixing().mixes();
        }
        return build(topics, datasets, images, texts, mixes, DEFAULT_MIX_BUFFER);
    }

    /** Partners a train sample may be mixed with, per partition and dataset. */
    public static final int DEFAULT_MIX_BUFFER = 256;

    /**
     * @param mixes      whether the image spec mixes samples (then a persistent, changelogged
     *                   partner buffer of {@code mixBuffer} samples per partition and dataset is kept);
     *                   a spec that mixes needs {@code true}, or its tasks fail to initialise
     */
    public static Topology build(Topics topics, DatasetDirectory datasets, Supplier<ImagePipeline> images,
            Supplier<TextPipeline> texts, boolean mixes, int mixBuffer) {
        return build(topics, datasets, images, texts, mixes, mixBuffer, Integer.MAX_VALUE);
    }

    /**
     * @param maxPreparedBytes the largest prepared record the output topics take; a larger one is
     *                         dead-lettered (see {@link OutputErrorHandler}) instead of sent
     */
    public static Topology build(Topics topics, DatasetDirectory datasets, Supplier<ImagePipeline> images,
            Supplier<TextPipeline> texts, boolean mixes, int mixBuffer, int maxPreparedBytes) {
        StreamsBuilder builder = new StreamsBuilder();
        String[] stores = {};
        if (mixes) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MixBuffer.STORE),
                    Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(MIX_CHANGELOG));
            stores = new String[] {MixBuffer.STORE};
        }
        builder.stream(topics.rawImages(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("raw-images"))
                .process(() -> new PrepareImageProcessor(datasets, images, mixBuffer), Named.as("prepare-image"), stores)
                .to((key, sample, context) -> topics.preparedFor(sample.split()), bySplit("prepared-images-by-split", maxPreparedBytes));
        if (texts != null) {
            builder.stream(topics.rawText(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("raw-text"))
                    .process(() -> new PrepareTextProcessor(datasets, texts), Named.as("prepare-text"))
                    .to((key, sample, context) -> topics.preparedFor(sample.split()), bySplit("prepared-texts-by-split", maxPreparedBytes));
        }
        return builder.build();
    }

    private static Produced<String, PreparedSample> bySplit(String name, int maxPreparedBytes) {
        return Produced.with(Serdes.String(), new PreparedSerde(maxPreparedBytes)).withName(name);
    }
}
