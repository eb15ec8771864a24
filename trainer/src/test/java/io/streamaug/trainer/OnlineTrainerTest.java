package io.streamaug.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DeadLetters;
import io.streamaug.core.Split;
import io.streamaug.core.Topics;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class OnlineTrainerTest {

    /** Two classes told apart by which half of a 1×4×4 image is bright, with noise. */
    static PreparedSample sample(int i, Random random) {
        int label = i % 2;
        byte[] pixels = new byte[16];
        for (int p = 0; p < 16; p++) {
            boolean bright = (p < 8) == (label == 0);
            pixels[p] = (byte) Math.max(0, Math.min(255, (bright ? 190 : 60) + (int) (random.nextGaussian() * 40)));
        }
        Tensor tensor = Tensor.uint8(1, 4, 4, pixels, new float[] {1f / (255 * 0.3f)}, new float[] {-0.5f / 0.3f});
        return new PreparedSample("s" + i, "toy", Split.TRAIN, 0, 0, 0, tensor, Label.of(label), List.of());
    }

    @Test
    void learnsFromTheStreamAndSendsUnusableRecordsToTheDeadLetterTopic(TestKafka kafka) throws Exception {
        Topics topics = kafka.freshTopics("trainer");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, 2, (short) 1);
        }
        Random random = new Random(1);
        int good = 1200;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(kafka))) {
            for (int i = 0; i < good; i++) {
                if (i == 100) {
                    producer.send(record(topics, "garbage", "not a prepared record".getBytes(StandardCharsets.UTF_8)));
                }
                if (i == 700) {
                    PreparedSample wrongShape = new PreparedSample("wide", "toy", Split.TRAIN, 0, 0, 0,
                            Tensor.ofFloats(Dtype.FLOAT32, 1, 2, 2, new float[4]), Label.of(0), List.of());
                    producer.send(record(topics, "wide", PreparedCodec.encode(wrongShape)));
                }
                producer.send(record(topics, "s" + i, PreparedCodec.encode(sample(i, random))));
            }
        }
        OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), topics,
                inputs -> Mlp.build(new Mlp.Spec(inputs, List.of(16), 2, 1e-2, 0, 0, 7)), 2,
                new OnlineTrainer.Config("t1", 8, 64, good, Duration.ofSeconds(20), 25, 7), line -> { });
        OnlineTrainer.Result result = trainer.run();

        assertThat(result.samples()).isEqualTo(good);
        assertThat(result.deadLetters()).isEqualTo(2);
        assertThat(result.lastLoss()).isLessThan(result.firstLoss() * 0.5);

        List<ConsumerRecord<byte[], byte[]>> letters = read(kafka, topics.dlq(), 2);
        assertThat(letters).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("garbage", "wide");
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertThat(header(letter, DeadLetters.STAGE)).isEqualTo("trainer:t1");
            assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.augmentedTrain());
            assertThat(header(letter, DeadLetters.SOURCE_OFFSET)).isNotBlank();
        }
        ConsumerRecord<byte[], byte[]> garbage = letters.stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals("garbage")).findFirst().orElseThrow();
        assertThat(header(garbage, DeadLetters.ERROR_MESSAGE)).contains("magic");
        assertThat(garbage.value()).isEqualTo("not a prepared record".getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> record(Topics topics, String key, byte[] value) {
        // One partition keeps the order, so the test knows where the bad records sit.
        return new ProducerRecord<>(topics.augmentedTrain(), 0, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    private static Properties props(TestKafka kafka) {
        Properties props = kafka.clientProperties();
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return props;
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(TestKafka kafka, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props(kafka))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 20_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
