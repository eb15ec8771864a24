package io.streamaug.worker;

import io.streamaug.kafka.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own dead letters (KIP-1034: the source record on the DLQ topic with
 * {@code __streams.errors.*} headers, stack trace included; then continue), plus the project's
 * headers naming the stage (the processor) and the error, a count for the worker's metrics, and one
 * WARN line per record. Kafka's {@code LogAndContinueProcessingExceptionHandler} is not used: it
 * logs every bad record with its whole stack trace, which buries the output when a batch is bad;
 * the trace is kept in the dead letter's headers instead.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler {
    /** Config key under which the worker passes its dead-letter counter (an {@link AtomicLong}). */
    public static final String COUNTER_CONFIG = "streamaug.dead.letter.counter";
    /** Config key: the largest value a dead letter may carry (its topic's limit less framing). */
    public static final String MAX_VALUE_CONFIG = "streamaug.dead.letter.max.value.bytes";
    /** Header of a dead letter whose source value was too large to carry: the value's size in bytes. */
    public static final String VALUE_DROPPED = "streamaug.source.value.bytes";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private int deadLetterBytes = Integer.MAX_VALUE;
    private String deadLetterTopic;
    private AtomicLong counter = new AtomicLong();

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
        deadLetterBytes = deadLetterBytes(configs);
        if (configs.get(COUNTER_CONFIG) instanceof AtomicLong shared) {
            counter = shared;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.warn("dead letter {}: stage {} refused {}-{}@{}: {}", keyOf(context.sourceRawKey()), context.processorNodeId(),
                context.topic(), context.partition(), context.offset(), reason(exception));
        List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> letter : ExceptionHandlerUtils.maybeBuildDeadLetterQueueRecords(
                deadLetterTopic, context.sourceRawKey(), context.sourceRawValue(), context, exception)) {
            DeadLetters.stamp(letter.headers(), context.processorNodeId(), exception, context.topic(),
                    context.partition(), context.offset());
            letters.add(fitted(letter, deadLetterBytes));
        }
        counter.incrementAndGet();
        return Response.resume(letters);
    }

    /** The record key as text, for a log line. */
    static String keyOf(byte[] key) {
        return key == null ? "(no key)" : new String(key, StandardCharsets.UTF_8);
    }

    /** The error on one line: its message, or its type when it has none. */
    static String reason(Exception exception) {
        String message = exception.getMessage();
        return message == null || message.isBlank() ? exception.getClass().getSimpleName()
                : message.replaceAll("\\s*\\R\\s*", " ").strip();
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
