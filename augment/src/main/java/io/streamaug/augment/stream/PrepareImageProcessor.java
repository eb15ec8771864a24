package io.streamaug.augment.stream;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Raw image record → prepared samples (K repeats for train). A record that cannot be prepared
 * throws; Kafka Streams' processing exception handler then sends it to the dead-letter topic and
 * processing goes on. Each instance owns one pipeline (and its native buffers), closed with the task.
 */
final class PrepareImageProcessor implements Processor<String, byte[], String, PreparedSample> {
    private final Supplier<ImagePipeline> pipelines;
    private ProcessorContext<String, PreparedSample> context;
    private ImagePipeline pipeline;
    private final DatasetDirectory datasets;

    PrepareImageProcessor(DatasetDirectory datasets, Supplier<ImagePipeline> pipelines) {
        this.datasets = datasets;
        this.pipelines = pipelines;
    }

    @Override
    public void init(ProcessorContext<String, PreparedSample> context) {
        this.context = context;
        this.pipeline = pipelines.get();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RawRecord raw = RawRecord.parse(record, datasets, false);
        int repeats = raw.split() == Split.TRAIN ? pipeline.spec().repeats() : 1;
        for (int repeat = 0; repeat < repeats; repeat++) {
            PreparedSample sample = pipeline.prepare(raw.id(), raw.dataset().name(), raw.split(), raw.epoch(), repeat,
                    record.value(), Label.of(raw.label()));
            context.forward(record.withValue(sample));
        }
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
