package io.streamaug.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import io.streamaug.trainer.source.Buffered;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chaos verifier on a real broker: each kind of wrong delivery is counted as what it is. */
@ExtendWith(KafkaBrokerExtension.class)
class DeliveryTest {
    private static final int N = 60;

    @Test
    void anExactCopyIsAllDeliveredAndEachFaultIsCountedAsItself(TestKafka kafka) throws Exception {
        Topics reference = topics(kafka, "ref");
        List<RecordMetadata> written = produce(kafka, reference, samples(0), List.of());
        Delivery expected = Delivery.read(kafka.clientProperties(), reference, "chaos-test", Duration.ofSeconds(30));
        assertThat(expected.records()).isEqualTo(N);
        assertThat(expected.distinct()).isEqualTo(N);
        long trainFingerprint = 0;
        long train = 0;
        for (int i = 0; i < N; i++) {
            if (split(i) == Split.TRAIN) {
                trainFingerprint += new Buffered(written.get(i).partition(), written.get(i).offset(), new byte[0], null).fingerprint();
                train++;
            }
        }
        assertThat(expected.trainRecords()).isEqualTo(train);
        assertThat(expected.trainFingerprint()).as("the trainer's audit of a set trained once").isEqualTo(trainFingerprint);

        Topics copy = topics(kafka, "copy");
        produce(kafka, copy, samples(0), List.of());
        Delivery.Verdict same = Delivery.read(kafka.clientProperties(), copy, "chaos-test", Duration.ofSeconds(30)).against(expected);
        assertThat(same.allDelivered()).as(same.toString()).isTrue();
        assertThat(same.delivered()).isEqualTo(N);

        // One record lost, one duplicated, one with other bytes (its augmentation drew another value), one not asked for.
        List<PreparedSample> faulty = samples(0);
        faulty.set(20, sample(20, 99));
        faulty.add(faulty.get(10));
        faulty.remove(3);
        PreparedSample stranger = new PreparedSample("stranger", "chaos-test", Split.VAL, 0, 0, 1, tensor(1), Label.of(0), List.of());
        faulty.add(stranger);
        Topics broken = topics(kafka, "broken");
        produce(kafka, broken, faulty, List.of());
        Delivery.Verdict verdict = Delivery.read(kafka.clientProperties(), broken, "chaos-test", Duration.ofSeconds(30))
                .against(expected);
        assertThat(verdict.allDelivered()).isFalse();
        assertThat(verdict.expected()).isEqualTo(N);
        assertThat(verdict.lost()).isEqualTo(1);
        assertThat(verdict.duplicated()).isEqualTo(1);
        assertThat(verdict.bytesMismatched()).isEqualTo(1);
        assertThat(verdict.unexpected()).isEqualTo(1);
        assertThat(verdict.delivered()).isEqualTo(N - 1);
        assertThat(verdict.examples()).anyMatch(e -> e.startsWith("lost ")).anyMatch(e -> e.startsWith("2 copies of "))
                .anyMatch(e -> e.startsWith("bytes differ: ")).anyMatch(e -> e.startsWith("not in the reference: "));
    }

    @Test
    void anAbortedTransactionsRecordsAreNotDeliveredAndAnOpenOneIsWaitedFor(TestKafka kafka) throws Exception {
        Topics reference = topics(kafka, "txref");
        produce(kafka, reference, samples(0), List.of());
        Delivery expected = Delivery.read(kafka.clientProperties(), reference, "chaos-test", Duration.ofSeconds(30));
        Topics topics = topics(kafka, "tx");
        Properties props = KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "delivery-test-" + System.nanoTime());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (PreparedSample s : samples(0)) {
                producer.send(record(topics, s));
            }
            producer.abortTransaction(); // a killed worker's output, aborted: must not count
            producer.beginTransaction();
            for (PreparedSample s : samples(0).subList(0, N / 2)) {
                producer.send(record(topics, s));
            }
            producer.flush();
            // Left open while the verifier starts: it waits for the commit rather than read a partial end.
            Thread committer = new Thread(() -> {
                try {
                    Thread.sleep(2000);
                    for (PreparedSample s : samples(0).subList(N / 2, N)) {
                        producer.send(record(topics, s));
                    }
                    producer.commitTransaction();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            committer.start();
            Delivery.Verdict verdict = Delivery.read(kafka.clientProperties(), topics, "chaos-test", Duration.ofSeconds(30))
                    .against(expected);
            committer.join();
            assertThat(verdict.allDelivered()).as(verdict.toString()).isTrue();
        }
    }

    private static Topics topics(TestKafka kafka, String name) throws Exception {
        Topics topics = kafka.freshTopics(name);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(3));
        }
        return topics;
    }

    private static List<RecordMetadata> produce(TestKafka kafka, Topics topics, List<PreparedSample> samples, List<String> unused)
            throws Exception {
        List<RecordMetadata> written = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
            for (PreparedSample s : samples) {
                written.add(producer.send(record(topics, s)).get());
            }
        }
        return written;
    }

    private static ProducerRecord<String, byte[]> record(Topics topics, PreparedSample s) {
        return new ProducerRecord<>(topics.preparedFor(s.split()), s.id(), PreparedCodec.encode(s));
    }

    private static Split split(int i) {
        return i % 5 == 0 ? Split.VAL : i % 7 == 0 ? Split.TEST : Split.TRAIN;
    }

    private static List<PreparedSample> samples(int shift) {
        List<PreparedSample> all = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            all.add(sample(i, shift));
        }
        return all;
    }

    private static PreparedSample sample(int i, int shift) {
        return new PreparedSample("s" + i, "chaos-test", split(i), 0, 0, 1, tensor(i + shift), Label.of(i % 2), List.of());
    }

    private static Tensor tensor(int value) {
        byte[] pixels = new byte[16];
        java.util.Arrays.fill(pixels, (byte) value);
        return Tensor.uint8(1, 4, 4, pixels, new float[] {1f / 255}, new float[] {0f});
    }
}
