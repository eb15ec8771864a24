package io.streamaug.trainer.source;

import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.Topics;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Sends the records a reader of a prepared topic cannot use to the dead-letter topic, with the
 * stage and the reason, each record once however often it is read (validation reads the val topic
 * at every interval). For readers other than the trainer's {@link RecordSource}, which keeps its
 * dead letters in step with its checkpoints.
 */
public final class DeadLetterWriter implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final String stage;
    private final Set<String> sent = new HashSet<>();

    public DeadLetterWriter(Producer<byte[], byte[]> producer, Topics topics, String stage) {
        this.producer = producer;
        this.topics = topics;
        this.stage = stage;
    }

    /** A writer with its own producer on the brokers of {@code clientProperties}. */
    public static DeadLetterWriter open(Properties clientProperties, Topics topics, String stage) {
        return new DeadLetterWriter(new KafkaProducer<>(RecordSource.dlqProperties(clientProperties)), topics, stage);
    }

    /** Sends {@code record}'s dead letter, unless this writer already sent one for it. */
    public void reject(ConsumerRecord<byte[], byte[]> record, Exception error) {
        if (sent.add(record.topic() + "-" + record.partition() + "@" + record.offset())) {
            producer.send(DeadLetters.of(topics, stage, record, error));
        }
    }

    /** How many dead letters this writer sent. */
    public int sent() {
        return sent.size();
    }

    @Override
    public void close() {
        producer.close(); // flushes what is in flight
    }
}
