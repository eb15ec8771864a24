package io.streamaug.augment.stream;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.core.Topics;
import io.streamaug.core.wire.PreparedSerde;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** Builds the augment topology: raw images → prepare (decode, augment train, normalise) → prepared topic of the split. */
public final class AugmentTopology {
    private AugmentTopology() {
    }

    /** @param pipelines makes one pipeline per stream task (each owns native buffers) */
    public static Topology build(Topics topics, Supplier<ImagePipeline> pipelines) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topics.rawImages(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("raw-images"))
                .process(() -> new PrepareImageProcessor(pipelines), Named.as("prepare-image"))
                .to((key, sample, context) -> topics.preparedFor(sample.split()),
                        Produced.with(Serdes.String(), new PreparedSerde()).withName("prepared-by-split"));
        return builder.build();
    }
}
