package io.streamaug.trainer;

import io.streamaug.kafka.TopicLayout;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
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

/** A toy dataset for trainer tests: two classes told apart by which half of a 1×4×4 image is bright. */
public final class Toy {
    public static final String DATASET = "toy";
    public static final List<String> CLASSES = List.of("top", "bottom");

    private Toy() {
    }

    public static PreparedSample sample(String id, int label, Split split, long statsVersion, Random random) {
        byte[] pixels = new byte[16];
        for (int p = 0; p < 16; p++) {
            boolean bright = (p < 8) == (label == 0);
            pixels[p] = (byte) Math.max(0, Math.min(255, (bright ? 190 : 60) + (int) (random.nextGaussian() * 40)));
        }
        Tensor tensor = Tensor.uint8(1, 4, 4, pixels, new float[] {1f / (255 * 0.3f)}, new float[] {-0.5f / 0.3f});
        return new PreparedSample(id, DATASET, split, 0, 0, statsVersion, tensor, Label.of(label), List.of());
    }

    public static PreparedSample sample(int i, Random random) {
        return sample("s" + i, i % 2, Split.TRAIN, 0, random);
    }

    /** Fresh topics with {@code partitions} partitions and the toy dataset defined. */
    public static Topics topics(TestKafka kafka, String prefix, int partitions) throws Exception {
        Topics topics = kafka.freshTopics(prefix);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(partitions));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(kafka))) {
            producer.send(new ProducerRecord<>(topics.datasets(), DATASET.getBytes(StandardCharsets.UTF_8),
                    new DatasetInfo(DATASET, CLASSES, 1, 4, 4).toJson())).get();
        }
        return topics;
    }

    /** Writes samples to a topic, all to partition 0 (so the order is known). */
    public static void produce(TestKafka kafka, String topic, List<PreparedSample> samples) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(kafka))) {
            for (PreparedSample s : samples) {
                producer.send(new ProducerRecord<>(topic, 0, s.id().getBytes(StandardCharsets.UTF_8), PreparedCodec.encode(s)));
            }
            producer.flush();
        }
    }

    public static List<PreparedSample> train(int count, long seed) {
        Random random = new Random(seed);
        List<PreparedSample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(sample(i, random));
        }
        return out;
    }

    public static Properties props(TestKafka kafka) {
        Properties props = kafka.clientProperties();
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return props;
    }

    public static String header(ConsumerRecord<?, ?> record, String key) {
        return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
