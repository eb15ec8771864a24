package io.streamaug.deploy.chaos;

import io.streamaug.kafka.KafkaOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Copies topics record by record to other topics — same partition, key, value, headers and
 * timestamp, in the same order within each partition — so that the copies hold the same input at
 * the same offsets. All at once ({@link #copyNow}), or paced over a duration from a thread, as
 * input that keeps arriving while the faults happen ({@link #start}).
 */
final class InputReplay implements AutoCloseable {
    private final List<ConsumerRecord<String, byte[]>> records;
    private final Map<String, String> renames;
    private final Properties producerProps;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private Thread thread;
    private volatile boolean stopping;

    private InputReplay(List<ConsumerRecord<String, byte[]>> records, Map<String, String> renames, Properties producerProps) {
        this.records = records;
        this.renames = renames;
        this.producerProps = producerProps;
    }

    /**
     * Reads every record of the topics named in {@code renames}' keys (which must not be written
     * any more), interleaving partitions round-robin while keeping each partition's order.
     */
    static InputReplay of(Properties client, Map<String, String> renames) {
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaOptions.readerProperties(client))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : renames.keySet()) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + renames.keySet() + " within 5 minutes");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    byPartition.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayList<>())
                            .add(record);
                }
            }
        }
        List<ConsumerRecord<String, byte[]>> interleaved = new ArrayList<>();
        List<List<ConsumerRecord<String, byte[]>>> queues = new ArrayList<>(byPartition.values());
        for (int i = 0; queues.stream().anyMatch(q -> !q.isEmpty()); i++) {
            for (List<ConsumerRecord<String, byte[]>> queue : queues) {
                if (i < queue.size()) {
                    interleaved.add(queue.get(i));
                }
            }
            final int next = i + 1;
            queues.removeIf(q -> q.size() <= next);
        }
        return new InputReplay(interleaved, Map.copyOf(renames), producerProps(client));
    }

    private static Properties producerProps(Properties client) {
        Properties props = KafkaOptions.of(client.getProperty("bootstrap.servers"), io.streamaug.kafka.Topics.DEFAULT)
                .producerProperties();
        props.putAll(client);
        return props;
    }

    /** How many records there are to copy. */
    int size() {
        return records.size();
    }

    /** Records sent and acknowledged so far. */
    long sent() {
        return sent.get();
    }

    /** Records the producer gave up on (after its own retries), with the first reason. */
    long failed() {
        return failed.get();
    }

    String firstFailure() {
        return firstFailure.get();
    }

    /** Copies everything now and waits for the acknowledgements. */
    void copyNow() {
        send(Duration.ZERO);
    }

    /** Starts copying from a thread, spreading the records evenly over {@code over}. */
    void start(Duration over) {
        thread = new Thread(() -> send(over), "chaos-input");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until a paced copy has sent everything. */
    boolean await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    private void send(Duration over) {
        long started = System.nanoTime();
        double nanosPerRecord = records.isEmpty() ? 0 : (double) over.toNanos() / records.size();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < records.size() && !stopping; i++) {
                long due = started + (long) (i * nanosPerRecord);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    try {
                        Thread.sleep(wait / 1_000_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                ConsumerRecord<String, byte[]> r = records.get(i);
                producer.send(new ProducerRecord<>(renames.get(r.topic()), r.partition(), r.timestamp(), r.key(), r.value(),
                        r.headers()), (metadata, error) -> {
                            if (error == null) {
                                sent.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, error.toString());
                            }
                        });
            }
            producer.flush();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.join(60_000);
        }
    }
}
