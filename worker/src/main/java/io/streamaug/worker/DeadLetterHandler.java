package io.streamaug.worker;

import io.streamaug.kafka.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' own dead-letter handling (KIP-1034: log, write the source record to the DLQ topic
 * with {@code __streams.errors.*} headers, continue), plus the project's headers naming the stage
 * (the processor) and the error, and a count for the worker's metrics.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler {
    /** Config key under which the worker passes its dead-letter counter (an {@link AtomicLong}). */
    public static final String COUNTER_CONFIG = "streamaug.dead.letter.counter";
    /** Config key: the largest value a dead letter may carry (its topic's limit less framing). */
    public static final String MAX_VALUE_CONFIG = "streamaug.dead.letter.max.value.bytes";
    /** Header of a dead letter whose source value was too large to carry: the value's size in bytes. */
    public static final String VALUE_DROPPED = "streamaug.source.value.bytes";

    private int deadLetterBytes = Integer.MAX_VALUE;

    private final LogAndContinueProcessingExceptionHandler delegate = new LogAndContinueProcessingExceptionHandler();
    private AtomicLong counter = new AtomicLong();

    @Override
    public void configure(Map<String, ?> configs) {
        delegate.configure(configs);
        deadLetterBytes = deadLetterBytes(configs);
        if (configs.get(COUNTER_CONFIG) instanceof AtomicLong shared) {
            counter = shared;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response response = delegate.handleError(context, record, exception);
        List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> letter : response.deadLetterQueueRecords()) {
            DeadLetters.stamp(letter.headers(), context.processorNodeId(), exception, context.topic(),
                    context.partition(), context.offset());
            letters.add(fitted(letter, deadLetterBytes));
        }
        counter.incrementAndGet();
        return Response.resume(letters);
    }

    /** The configured largest dead-letter value, or no limit. */
    static int deadLetterBytes(Map<String, ?> configs) {
        Object limit = configs.get(MAX_VALUE_CONFIG);
        return limit == null ? Integer.MAX_VALUE : Integer.parseInt(limit.toString());
    }

    /**
     * The dead letter itself when its value fits its topic; else the same letter without the value,
     * with {@link #VALUE_DROPPED} giving the value's size: the source topic, partition and offset
     * headers are the reference to it.
     */
    static ProducerRecord<byte[], byte[]> fitted(ProducerRecord<byte[], byte[]> letter, int maxValueBytes) {
        byte[] value = letter.value();
        if (value == null || value.length <= maxValueBytes) {
            return letter;
        }
        ProducerRecord<byte[], byte[]> reference = new ProducerRecord<>(letter.topic(), letter.partition(),
                letter.timestamp(), letter.key(), null, letter.headers());
        reference.headers().remove(VALUE_DROPPED);
        reference.headers().add(VALUE_DROPPED, Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
        return reference;
    }
}
