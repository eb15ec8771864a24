package io.streamaug.augment.stream;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.text.TextPipeline;
import io.streamaug.core.Topics;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.PreparedSerde;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The augment topology: dataset definitions in a global store; raw images and raw texts → prepare
 * (check the contract, decode, augment train, normalise) → the prepared topic of each split.
 */
public final class AugmentTopology {
    private AugmentTopology() {
    }

    /**
     * @param images makes one image pipeline per stream task (each owns native buffers)
     * @param texts  makes one text pipeline per stream task, or {@code null} to leave raw text alone
     */
    public static Topology build(Topics topics, Supplier<ImagePipeline> images, Supplier<TextPipeline> texts) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(RawRecord.DATASETS_STORE),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                topics.datasets(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("dataset-definitions"),
                DatasetStoreUpdater::new);
        KStream<String, PreparedSample> prepared = builder
                .stream(topics.rawImages(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("raw-images"))
                .process(() -> new PrepareImageProcessor(images), Named.as("prepare-image"));
        if (texts != null) {
            prepared = prepared.merge(builder
                    .stream(topics.rawText(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("raw-text"))
                    .process(() -> new PrepareTextProcessor(texts), Named.as("prepare-text")), Named.as("images-and-texts"));
        }
        prepared.to((key, sample, context) -> topics.preparedFor(sample.split()),
                Produced.with(Serdes.String(), new PreparedSerde()).withName("prepared-by-split"));
        return builder.build();
    }

    /** Keeps the global store of dataset definitions current (tombstones remove a definition). */
    private static final class DatasetStoreUpdater implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(RawRecord.DATASETS_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
