package io.streamaug.worker.produce;

import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What every producer of raw records shares: the dataset's definition written (and acknowledged)
 * before the first record, records with the contract's headers, and the first send error raised
 * instead of lost.
 */
final class RawRecordSender {
    private final Producer<String, byte[]> producer;
    private final Topics topics;
    private final AtomicReference<Exception> sendError = new AtomicReference<>();

    RawRecordSender(Producer<String, byte[]> producer, Topics topics) {
        this.producer = producer;
        this.topics = topics;
    }

    /** Writes the definition and waits until it is stored: workers must find it before the first record. */
    void define(DatasetInfo info) {
        try {
            producer.send(new ProducerRecord<>(topics.datasets(), info.name(), info.toJson())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while defining dataset " + info.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("defining dataset " + info.name() + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Sends one raw record with its headers; fails if an earlier send failed. */
    void send(String topic, String id, byte[] value, DatasetInfo info, int label, Split split, int epoch, String contentType) {
        throwIfFailed();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, id, value);
        RawHeaders.put(record.headers(), RawHeaders.LABEL, Integer.toString(label));
        RawHeaders.put(record.headers(), RawHeaders.SPLIT, split.wireName());
        RawHeaders.put(record.headers(), RawHeaders.DATASET, info.name());
        RawHeaders.put(record.headers(), RawHeaders.CONTENT_TYPE, contentType);
        RawHeaders.put(record.headers(), RawHeaders.EPOCH, Integer.toString(epoch));
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                sendError.compareAndSet(null, error);
            }
        });
    }

    /** Waits for every send to complete; fails if any did. */
    void flush() {
        producer.flush();
        throwIfFailed();
    }

    private void throwIfFailed() {
        Exception error = sendError.get();
        if (error != null) {
            throw new IllegalStateException("sending to Kafka failed: " + error.getMessage(), error);
        }
    }
}
