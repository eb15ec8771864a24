package io.streamaug.worker;

import io.streamaug.augment.image.AugmentedImage;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.StreamsException;
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
    private byte[] specHeader;
    private MixBuffer buffer;
    private final int bufferSize;
    private final DatasetDirectory datasets;

    PrepareImageProcessor(DatasetDirectory datasets, Supplier<ImagePipeline> pipelines, int bufferSize) {
        this.datasets = datasets;
        this.pipelines = pipelines;
        this.bufferSize = bufferSize;
    }

    @Override
    public void init(ProcessorContext<String, PreparedSample> context) {
        this.context = context;
        this.pipeline = pipelines.get();
        this.specHeader = pipeline.spec().identity().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (pipeline.spec().mixing().mixes()) {
            try {
                buffer = new MixBuffer(context.getStateStore(MixBuffer.STORE), bufferSize);
            } catch (StreamsException e) {
                throw new IllegalStateException("the image spec mixes, but the topology has no mix buffer:"
                        + " build it with mixes = true (AugmentTopology.build)", e);
            }
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RawRecord raw = RawRecord.parse(record, datasets, false);
        int classes = raw.dataset().classes().size(); // soft labels are over the record's own dataset's classes
        int repeats = raw.split() == Split.TRAIN ? pipeline.spec().repeats() : 1;
        for (int repeat = 0; repeat < repeats; repeat++) {
            PreparedSample sample;
            if (buffer != null && raw.split() == Split.TRAIN) {
                sample = mixed(raw, repeat, record.value(), classes);
            } else {
                sample = pipeline.prepare(raw.id(), raw.dataset().name(), raw.split(), raw.epoch(), repeat,
                        record.value(), Label.of(raw.label()), classes);
            }
            context.forward(RawRecord.output(record, sample, specHeader));
        }
    }

    /**
     * A train sample mixed with a partner drawn, by the sample's own generator, from the buffer of
     * earlier train samples of its dataset in this partition; the sample then joins the buffer.
     * Partners are of the same dataset, so their labels are over the same {@code classes}.
     */
    private PreparedSample mixed(RawRecord raw, int repeat, byte[] value, int classes) {
        String dataset = raw.dataset().name();
        AugmentedImage sample = pipeline.augment(raw.id(), Split.TRAIN, raw.epoch(), repeat, value, Label.of(raw.label()));
        int candidates = buffer.size(dataset);
        AugmentedImage partner = candidates == 0 ? null : buffer.get(dataset, pipeline.pickPartner(sample, candidates));
        if (partner != null && (partner.height() != sample.height() || partner.width() != sample.width())) {
            partner = null; // sizes differ (a spec without a fixed train size): this sample is not mixed
        }
        AugmentedImage mixed = pipeline.mix(sample, partner, classes);
        buffer.add(dataset, sample);
        return pipeline.toPrepared(mixed, dataset);
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
