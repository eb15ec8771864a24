package io.streamaug.augment.stream;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.core.RawHeaders;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Raw image record → prepared sample. A record that cannot be prepared throws; Kafka Streams'
 * processing exception handler then sends it to the dead-letter topic and processing goes on.
 * Each instance owns one pipeline (and its native buffers), closed with the task.
 */
final class PrepareImageProcessor implements Processor<String, byte[], String, PreparedSample> {
    private final Supplier<ImagePipeline> pipelines;
    private ProcessorContext<String, PreparedSample> context;
    private ImagePipeline pipeline;

    PrepareImageProcessor(Supplier<ImagePipeline> pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public void init(ProcessorContext<String, PreparedSample> context) {
        this.context = context;
        this.pipeline = pipelines.get();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            throw new IllegalArgumentException("record has no key: the key must be the sample id");
        }
        Headers headers = record.headers();
        Split split = Split.parse(RawHeaders.get(headers, RawHeaders.SPLIT));
        String dataset = RawHeaders.get(headers, RawHeaders.DATASET);
        int epoch = parseNonNegative(RawHeaders.get(headers, RawHeaders.EPOCH), RawHeaders.EPOCH, 0);
        int label = parseNonNegative(RawHeaders.get(headers, RawHeaders.LABEL), RawHeaders.LABEL, -1);
        int repeats = split == Split.TRAIN ? pipeline.spec().repeats() : 1;
        for (int repeat = 0; repeat < repeats; repeat++) {
            PreparedSample sample = pipeline.prepare(record.key(), dataset == null ? "" : dataset, split, epoch, repeat,
                    record.value(), label < 0 ? Label.none() : Label.of(label));
            context.forward(record.withValue(sample));
        }
    }

    private static int parseNonNegative(String value, String header, int absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("header '" + header + "' is '" + value + "', not a non-negative integer");
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
