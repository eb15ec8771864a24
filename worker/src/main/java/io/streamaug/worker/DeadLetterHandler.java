package io.streamaug.worker;

import io.streamaug.kafka.DeadLetters;
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

    private final LogAndContinueProcessingExceptionHandler delegate = new LogAndContinueProcessingExceptionHandler();
    private AtomicLong counter = new AtomicLong();

    @Override
    public void configure(Map<String, ?> configs) {
        delegate.configure(configs);
        if (configs.get(COUNTER_CONFIG) instanceof AtomicLong shared) {
            counter = shared;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response response = delegate.handleError(context, record, exception);
        for (ProducerRecord<byte[], byte[]> letter : response.deadLetterQueueRecords()) {
            DeadLetters.stamp(letter.headers(), context.processorNodeId(), exception, context.topic(),
                    context.partition(), context.offset());
        }
        counter.incrementAndGet();
        return response;
    }
}
