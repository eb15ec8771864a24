package io.streamaug.worker;

import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.OversizedRecordException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the worker does when a record cannot be written. A record is a record: no single one may
 * stop a worker (and, with it, every worker that takes its partition over).
 * <ul>
 * <li>A prepared record too large for its topic ({@link OversizedRecordException} from the
 *     serializer, or the producer's {@link RecordTooLargeException}): its source goes to the
 *     dead-letter topic with the reason, and the worker goes on.</li>
 * <li>A dead letter that cannot be written is logged and dropped: it never makes another dead
 *     letter, so a failed dead-letter send cannot recurse.</li>
 * <li>Anything else: Kafka Streams' default (retry what is retriable, fail otherwise).</li>
 * </ul>
 */
public final class OutputErrorHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OutputErrorHandler.class);

    private final DefaultProductionExceptionHandler fallback = new DefaultProductionExceptionHandler();
    private String deadLetterTopic = "";
    private int deadLetterBytes = Integer.MAX_VALUE;
    private AtomicLong counter = new AtomicLong();

    @Override
    public void configure(Map<String, ?> configs) {
        fallback.configure(configs);
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? "" : topic.toString();
        deadLetterBytes = DeadLetterHandler.deadLetterBytes(configs);
        if (configs.get(DeadLetterHandler.COUNTER_CONFIG) instanceof AtomicLong shared) {
            counter = shared;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (record.topic().equals(deadLetterTopic)) {
            LOG.error("could not write the dead letter of {}-{}@{} ({}): dropped", context.topic(), context.partition(),
                    context.offset(), exception.toString());
            return Response.resume();
        }
        if (exception instanceof RecordTooLargeException) {
            return deadLetter(context, record.topic(), exception);
        }
        return fallback.handleError(context, record, exception);
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
            SerializationExceptionOrigin origin) {
        return deadLetter(context, record.topic(), exception);
    }

    private Response deadLetter(ErrorHandlerContext context, String target, Exception exception) {
        counter.incrementAndGet();
        LOG.warn("dead letter {}: stage write:{} refused {}-{}@{}: {}", DeadLetterHandler.keyOf(context.sourceRawKey()),
                target, context.topic(), context.partition(), context.offset(), DeadLetterHandler.reason(exception));
        if (deadLetterTopic.isEmpty()) {
            return Response.resume();
        }
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(deadLetterTopic, null, context.sourceRawKey(),
                context.sourceRawValue(), new RecordHeaders(context.headers().toArray()));
        DeadLetters.stamp(letter.headers(), "write:" + target, exception, context.topic(), context.partition(),
                context.offset());
        return Response.resume(List.of(DeadLetterHandler.fitted(letter, deadLetterBytes)));
    }
}
