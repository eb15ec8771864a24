package io.streamaug.trainer.source;

import org.apache.kafka.common.header.Header;
import io.streamaug.kafka.PreparedSerde;
import io.streamaug.kafka.BrokerOutage;
import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.MalformedRecordException;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.config.TrainConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The augmented train topic as a trainer reads it (read committed, its own consumer group, from a
 * checkpoint's offsets or the start): polls, decodes and checks each record, sends the unusable
 * ones to the dead-letter topic with the reason, passes over other datasets' records, refuses
 * records normalised with other stats than the model's, and hands out samples through a seeded
 * shuffle buffer. It keeps the offset after the last record read per partition and what a
 * checkpoint needs to resume exactly ({@link #position()}), and times how long training waited for
 * data. The only class of the training loop that knows Kafka consumers.
 */
public final class RecordSource implements AutoCloseable {
    /** Checks a decoded sample against the model; throws {@link IllegalArgumentException} or {@link IllegalStateException} when it cannot be used. */
    public interface Check {
        void accept(PreparedSample sample);
    }

    /** Takes a sample out of the shuffle buffer; returns false when no more are wanted. */
    public interface Sink {
        boolean accept(Buffered item);
    }

    /** Where a source stands, as a checkpoint stores it. {@code offsets}: partition → next offset to read. */
    public record Position(Map<Integer, Long> offsets, List<Buffered> buffered, byte[] randomState, long statsVersion,
            long deadLetters) {
        public Position {
            offsets = new TreeMap<>(offsets);
            buffered = List.copyOf(buffered);
        }
    }

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> dlq;
    private final Topics topics;
    private final TrainConfig config;
    private final Consumer<String> log;
    private final ShuffleBuffer<Buffered> buffer;
    private final Map<Integer, Long> next = new TreeMap<>();
    private long statsVersion = -1;
    private boolean statsMismatchLogged;
    private final java.util.SortedSet<String> specs = new java.util.TreeSet<>();
    private byte[] lastSpec;
    private long deadLetters;
    private long otherDatasets;
    private String firstRejection;
    private java.util.function.LongConsumer onDeadLetter = count -> { };
    private long waitNanos;
    private long firstRecordAt;
    private long lastRecordAt;
    /** Since when no record came, for idle_timeout: from the first record, or from the start for a resumed reader. */
    private long quietSince;
    private boolean resumed;
    private boolean idleEnd;
    private BrokerOutage outage;

    /** A source over the given clients (tests pass Kafka's mock consumer and producer); it closes them. */
    public RecordSource(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> dlq,
            Topics topics, TrainConfig config, Consumer<String> log) {
        this.consumer = consumer;
        this.dlq = dlq;
        this.topics = topics;
        this.config = config;
        this.log = log;
        this.buffer = new ShuffleBuffer<>(config.io().shuffleBuffer(), config.seed());
    }

    /** A source reading from the brokers of {@code clientProperties}, in the trainer's consumer group. */
    public static RecordSource open(Properties clientProperties, Topics topics, TrainConfig config, Consumer<String> log) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(clientProperties, topics, config));
        try {
            RecordSource source = new RecordSource(consumer, new KafkaProducer<>(dlqProperties(clientProperties)), topics,
                    config, log);
            source.outage = new BrokerOutage(String.valueOf(clientProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)),
                    "training resumes at the next record not yet read", consumer::metrics, System.nanoTime());
            return source;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Continues where a checkpoint stood: its offsets, buffered records, shuffle generator, stats version and count of dead letters. */
    public void restore(Position position) {
        next.putAll(position.offsets());
        buffer.restore(position.buffered(), position.randomState());
        statsVersion = position.statsVersion();
        deadLetters = position.deadLetters();
        // A resumed reader has seen its stream already: if nothing is left, idle_timeout ends it as it
        // would have ended the run it resumes (a fresh one waits for its first record, however late).
        resumed = true;
    }

    /** Assigns every partition of the train topic and seeks each to its next offset, or to the start. */
    public void seek() {
        String topic = topics.augmentedTrain();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new UsageException("topic " + topic + " does not exist; create it with './streamaug topics"
                    + (topics.prefix().isEmpty() ? "" : " --topic-prefix " + topics.prefix()) + "'");
        }
        consumer.assign(partitions);
        // Ask the group for its offsets now, though the checkpoint's are used: a group the trainer may
        // not use is then refused at start, not at the final commit after the whole run.
        consumer.committed(java.util.Set.copyOf(partitions), Duration.ofSeconds(30));
        for (TopicPartition tp : partitions) {
            Long offset = next.get(tp.partition());
            if (offset != null) {
                consumer.seek(tp, offset);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /**
     * Reads records and hands the samples the shuffle buffer lets out to {@code sink} until the sink
     * wants no more, {@code stop} says so, the buffered and {@code taken} samples reach
     * {@code max_samples}, or (with {@code idle_timeout}) no record came for that long.
     */
    public void read(Check check, Sink sink, BooleanSupplier stop, LongSupplier taken) {
        if (resumed && quietSince == 0) {
            quietSince = System.nanoTime();
        }
        outer:
        while (!stop.getAsBoolean()) {
            long pollStart = System.nanoTime();
            var records = consumer.poll(Duration.ofMillis(200));
            if (firstRecordAt != 0) {
                waitNanos += System.nanoTime() - pollStart;
            }
            if (outage != null) {
                outage.check(System.nanoTime()).ifPresent(line -> log.accept("trainer " + config.name() + ": " + line));
            }
            if (records.isEmpty() && quietSince != 0 && config.io().idleTimeout() > 0 && reachable()
                    && System.nanoTime() - idleSince() > Duration.ofSeconds(config.io().idleTimeout()).toNanos()) {
                idleEnd = true;
                break;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                lastRecordAt = System.nanoTime();
                quietSince = lastRecordAt;
                if (firstRecordAt == 0) {
                    firstRecordAt = lastRecordAt;
                }
                next.put(record.partition(), record.offset() + 1);
                Buffered item = usable(record, check);
                if (item == null) {
                    continue;
                }
                Buffered out = buffer.offer(item);
                if ((out != null && !sink.accept(out)) || stop.getAsBoolean()) {
                    break outer;
                }
                if (config.io().maxSamples() > 0 && taken.getAsLong() + buffer.size() >= config.io().maxSamples()) {
                    break outer;
                }
            }
        }
        if (idleEnd) {
            waitNanos -= Math.min(waitNanos, System.nanoTime() - quietSince); // the idle tail is not waiting for data
        }
    }

    /** False while the consumer holds no connection to a broker (then no record coming says nothing of the stream). */
    private boolean reachable() {
        return outage == null || outage.connected();
    }

    /** Since when no record came while a broker was reachable: the last record, or the broker's return after it. */
    private long idleSince() {
        return outage == null ? quietSince : Math.max(quietSince, outage.reconnectedAt());
    }

    /** Hands what the shuffle buffer still holds to {@code sink}, in shuffled order, while it wants more. */
    public void drain(Sink sink) {
        for (Buffered out = buffer.poll(); out != null; out = buffer.poll()) {
            if (!sink.accept(out)) {
                return;
            }
        }
    }

    /** Decodes and checks a record; a record the model cannot use goes to the dead-letter topic. */
    Buffered usable(ConsumerRecord<byte[], byte[]> record, Check check) {
        try {
            PreparedSample sample = PreparedCodec.decode(record.value());
            if (!config.dataset().equals(sample.dataset())) {
                otherDatasets++;
                return null; // another trainer's data: not an error
            }
            if (statsVersion >= 0 && sample.statsVersion() != statsVersion) {
                String message = "sample " + sample.id() + " was normalised with stats version " + sample.statsVersion()
                        + ", but this model trains on version " + statsVersion
                        + " (its checkpoint's); restart the workers on that version, or train a new model under another --name";
                if (!statsMismatchLogged) {
                    log.accept("trainer " + config.name() + ": refusing records: " + message);
                    statsMismatchLogged = true;
                }
                throw new IllegalStateException(message);
            }
            check.accept(sample);
            if (statsVersion < 0) {
                statsVersion = sample.statsVersion();
            }
            noteSpec(record.headers().lastHeader(PreparedSerde.SPEC_HEADER));
            return new Buffered(record.partition(), record.offset(), record.value(), sample);
        } catch (MalformedRecordException | IllegalArgumentException | IllegalStateException e) {
            dlq.send(DeadLetters.of(topics, "trainer:" + config.name(), record, e));
            deadLetters++;
            if (firstRejection == null) {
                firstRejection = String.valueOf(e.getMessage());
                if (!statsMismatchLogged) {
                    log.accept("trainer " + config.name() + ": rejecting records to " + topics.dlq() + ", the first because "
                            + firstRejection);
                }
            }
            onDeadLetter.accept(deadLetters);
            return null;
        }
    }

    /** Where the source stands; {@code pending} (read but not trained, e.g. a filling minibatch) is stored with the buffer. */
    public Position position(List<Buffered> pending) {
        List<Buffered> waiting = new java.util.ArrayList<>(buffer.contents());
        waiting.addAll(pending);
        return new Position(next, waiting, buffer.randomState(), statsVersion, deadLetters);
    }

    /** How long the final commit waits for the group: a trainer stopped while its broker is away must still end promptly. */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Commits the offsets read to the consumer group, for lag monitoring (resume reads the
     * checkpoint's), waiting at most {@link #COMMIT_TIMEOUT}; returns why it could not, or empty.
     * Kafka's own wait, {@code default.api.timeout.ms}, is a minute.
     */
    public Optional<String> commit() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        next.forEach((p, o) -> commit.put(new TopicPartition(topics.augmentedTrain(), p), new OffsetAndMetadata(o)));
        try {
            consumer.commitSync(commit, COMMIT_TIMEOUT);
            return Optional.empty();
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (org.apache.kafka.common.KafkaException e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Partition → next offset to read. */
    public Map<Integer, Long> offsets() {
        return new TreeMap<>(next);
    }

    public int buffered() {
        return buffer.size();
    }

    /**
     * What the source has passed over so far: the stats version of the samples handed out ({@code -1}
     * before the first), records sent to the dead-letter topic, and records of other datasets.
     */
    public record Counts(long statsVersion, long deadLetters, long otherDatasets) {
    }

    /**
     * Adds a record's spec to those seen. Records come in long runs of one spec: the header's bytes
     * are compared with the last one's, and decoded only when they change.
     */
    private void noteSpec(Header spec) {
        byte[] bytes = spec == null ? null : spec.value();
        if (specs.isEmpty() || !java.util.Arrays.equals(bytes, lastSpec)) {
            lastSpec = bytes;
            specs.add(bytes == null ? "unknown (no " + PreparedSerde.SPEC_HEADER + " header)"
                    : new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The specs that made the records read for training so far ({@code NAME@sha256:HEX}), sorted. */
    public java.util.List<String> specs() {
        return java.util.List.copyOf(specs);
    }

    /** Calls {@code listener} with the count of dead letters after each one (for a live progress line). */
    public void onDeadLetter(java.util.function.LongConsumer listener) {
        this.onDeadLetter = listener;
    }

    /** Why the first record this run rejected went to the dead-letter topic ({@code null}: none did). */
    public String firstRejection() {
        return firstRejection;
    }

    public Counts counts() {
        return new Counts(statsVersion, deadLetters, otherDatasets);
    }

    /** The fraction of time since the first record spent waiting for records, so far. */
    public double dataWait() {
        long active = System.nanoTime() - firstRecordAt;
        return firstRecordAt == 0 || active <= 0 ? 0 : (double) waitNanos / active;
    }

    /** The fraction for the whole run, up to the last record when the stream went idle. */
    public double finalDataWait() {
        double active = firstRecordAt == 0 ? 0 : (idleEnd ? lastRecordAt : System.nanoTime()) - firstRecordAt;
        return active <= 0 ? 0 : Math.min(1, waitNanos / active);
    }

    @Override
    public void close() {
        try {
            dlq.close();
        } finally {
            consumer.close();
        }
    }

    static Properties consumerProperties(Properties clientProperties, Topics topics, TrainConfig config) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, config.groupId(topics));
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    static Properties dlqProperties(Properties clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
