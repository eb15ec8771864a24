package io.streamaug.trainer;

import io.streamaug.core.DeadLetters;
import io.streamaug.core.Topics;
import io.streamaug.core.wire.MalformedRecordException;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Trains a network online from the augmented train topic: read-committed records → shuffle
 * buffer → minibatches → {@code fit}. Records it cannot use go to the dead-letter topic with the
 * reason; training goes on. Each trainer name is its own consumer group, so several trainers read
 * the same stream.
 */
public final class OnlineTrainer {
    /** How to train and when to stop. {@code maxSamples} ≤ 0 and a zero idle timeout mean: until stopped. */
    public record Config(String name, int batchSize, int shuffleBuffer, long maxSamples, Duration idleTimeout,
            int logEvery, long seed) {
        public Config {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("trainer name '" + name + "' may only hold letters, digits, '.', '_', '-'");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            }
            if (logEvery < 1) {
                throw new IllegalArgumentException("--log-every must be at least 1, got " + logEvery);
            }
        }

        public String groupId() {
            return "streamaug-trainer-" + name;
        }
    }

    /** What a run did: steps, samples, the loss curve (mean per logging window) and the dead letters. */
    public record Result(long steps, long samples, List<Double> lossCurve, long deadLetters, double seconds) {
        public double firstLoss() {
            return lossCurve.isEmpty() ? Double.NaN : lossCurve.get(0);
        }

        public double lastLoss() {
            return lossCurve.isEmpty() ? Double.NaN : lossCurve.get(lossCurve.size() - 1);
        }
    }

    private final Properties clientProperties;
    private final Topics topics;
    private final IntFunction<MultiLayerNetwork> networks;
    private final int classes;
    private final Config config;
    private final Consumer<String> log;
    private volatile boolean stopRequested;
    private MultiLayerNetwork net;
    private BatchBuilder batches;

    /**
     * @param networks builds the network once the input size is known from the first record
     */
    public OnlineTrainer(Properties clientProperties, Topics topics, IntFunction<MultiLayerNetwork> networks,
            int classes, Config config, Consumer<String> log) {
        this.clientProperties = clientProperties;
        this.topics = topics;
        this.networks = networks;
        this.classes = classes;
        this.config = config;
        this.log = log;
    }

    /** Asks a running {@link #run()} to finish its current step and return. */
    public void stop() {
        stopRequested = true;
    }

    /** The network being trained ({@code null} before the first record). */
    public MultiLayerNetwork network() {
        return net;
    }

    public Result run() {
        Progress progress = new Progress();
        ShuffleBuffer<PreparedSample> buffer = new ShuffleBuffer<>(Math.max(1, config.shuffleBuffer()), config.seed());
        List<PreparedSample> batch = new ArrayList<>(config.batchSize());
        long received = 0;
        long lastRecord = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
                KafkaProducer<byte[], byte[]> dlq = new KafkaProducer<>(dlqProperties())) {
            consumer.subscribe(List.of(topics.augmentedTrain()));
            boolean more = true;
            while (more && !stopRequested) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty() && received > 0 && !config.idleTimeout().isZero()
                        && System.nanoTime() - lastRecord > config.idleTimeout().toNanos()) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    lastRecord = System.nanoTime();
                    PreparedSample sample = usable(record, dlq, progress);
                    if (sample == null) {
                        continue;
                    }
                    received++;
                    PreparedSample out = buffer.offer(sample);
                    if (out != null) {
                        addAndMaybeFit(batch, out, progress);
                    }
                    if (config.maxSamples() > 0 && received >= config.maxSamples()) {
                        more = false;
                        break;
                    }
                }
            }
            // Train on what the shuffle buffer still holds, then on the last partial batch.
            for (PreparedSample out = buffer.poll(); out != null && !stopRequested; out = buffer.poll()) {
                addAndMaybeFit(batch, out, progress);
            }
            if (!batch.isEmpty() && !stopRequested) {
                progress.record(fit(batch), batch.size());
                batch.clear();
            }
            progress.flush();
            consumer.commitSync();
        }
        return new Result(progress.steps, progress.samples, List.copyOf(progress.curve), progress.deadLetters,
                (System.nanoTime() - progress.started) / 1e9);
    }

    /** Decodes and checks a record; a record the model cannot use goes to the dead-letter topic. */
    private PreparedSample usable(ConsumerRecord<byte[], byte[]> record, KafkaProducer<byte[], byte[]> dlq,
            Progress progress) {
        try {
            PreparedSample sample = PreparedCodec.decode(record.value());
            if (net == null) {
                net = networks.apply(sample.tensor().elementCount());
                batches = new BatchBuilder(sample.tensor().elementCount(), classes);
            }
            batches.check(sample);
            return sample;
        } catch (MalformedRecordException | IllegalArgumentException | IllegalStateException e) {
            dlq.send(DeadLetters.of(topics, "trainer:" + config.name(), record, e));
            progress.deadLetters++;
            return null;
        }
    }

    private void addAndMaybeFit(List<PreparedSample> batch, PreparedSample sample, Progress progress) {
        batch.add(sample);
        if (batch.size() == config.batchSize()) {
            progress.record(fit(batch), batch.size());
            batch.clear();
        }
    }

    /** Step counts and the loss curve, with a log line every {@code logEvery} steps. */
    private final class Progress {
        final long started = System.nanoTime();
        final List<Double> curve = new ArrayList<>();
        long steps;
        long samples;
        long deadLetters;
        double windowLoss;
        int windowSteps;
        long windowSamples;
        long windowStart = System.nanoTime();

        void record(double loss, int size) {
            steps++;
            samples += size;
            windowLoss += loss;
            windowSteps++;
            windowSamples += size;
            if (steps % config.logEvery() == 0) {
                double rate = windowSamples / ((System.nanoTime() - windowStart) / 1e9);
                log.accept(String.format("trainer %s: step %d, %d samples, loss %.4f, %.0f samples/s",
                        config.name(), steps, samples, windowLoss / windowSteps, rate));
                flush();
            }
        }

        void flush() {
            if (windowSteps > 0) {
                curve.add(windowLoss / windowSteps);
            }
            windowLoss = 0;
            windowSteps = 0;
            windowSamples = 0;
            windowStart = System.nanoTime();
        }
    }

    private double fit(List<PreparedSample> batch) {
        DataSet data = batches.build(batch);
        try {
            net.fit(data);
            return net.score();
        } finally {
            data.getFeatures().close();
            data.getLabels().close();
        }
    }

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private Properties dlqProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
