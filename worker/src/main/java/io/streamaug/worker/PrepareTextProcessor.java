package io.streamaug.worker;

import io.streamaug.augment.text.TextPipeline;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Raw text record → prepared text samples (K repeats for train); invalid UTF-8, an empty or blank
 * text, or a prepared record sent to the raw topic goes to the DLQ. The pipeline (and with it
 * WordNet, ~1 s and ~45 MB once per JVM) is made at the task's first record, not when the task
 * starts: a worker that takes text partitions over with no text waiting does not load it, and
 * its image tasks do not wait for it. The output does not depend on when it is made.
 */
final class PrepareTextProcessor implements Processor<String, byte[], String, PreparedSample> {
    private final Supplier<TextPipeline> pipelines;
    private ProcessorContext<String, PreparedSample> context;
    private TextPipeline pipeline;
    private byte[] specHeader;
    private final DatasetDirectory datasets;

    PrepareTextProcessor(DatasetDirectory datasets, Supplier<TextPipeline> pipelines) {
        this.datasets = datasets;
        this.pipelines = pipelines;
    }

    @Override
    public void init(ProcessorContext<String, PreparedSample> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (pipeline == null) {
            pipeline = pipelines.get();
            specHeader = pipeline.spec().identity().toString().getBytes(StandardCharsets.UTF_8);
        }
        RawRecord raw = RawRecord.parse(record, datasets, true);
        String text = utf8(record.value());
        int repeats = raw.split() == Split.TRAIN ? pipeline.spec().repeats() : 1;
        for (int repeat = 0; repeat < repeats; repeat++) {
            context.forward(RawRecord.output(record, pipeline.prepare(raw.id(), raw.dataset().name(), raw.split(), raw.epoch(),
                    repeat, text, Label.of(raw.label())), specHeader));
        }
    }

    private static String utf8(byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("record value is empty: no text");
        }
        if (value.length >= PreparedCodec.MAGIC.length
                && Arrays.equals(value, 0, PreparedCodec.MAGIC.length, PreparedCodec.MAGIC, 0, PreparedCodec.MAGIC.length)) {
            // valid UTF-8 as it stands, so it would be trained on as text
            throw new IllegalArgumentException("value is a prepared record (magic 'SAUG'), not raw text: it was sent to"
                    + " a raw topic; send raw text to the raw text topic");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            if (text.isBlank()) {
                throw new IllegalArgumentException("record value is blank: no text");
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("record value is not valid UTF-8 text");
        }
    }
}
