package io.streamaug.worker.produce;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

@ExtendWith(KafkaBrokerExtension.class)
public class ImageProducerTest {

    @Test
    void fashionMnistRoundTripsThroughARealBrokerWithItsHeaders(TestKafka kafka) throws Exception {
        Topics topics = kafka.freshTopics("produce");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(2));
        }
        FashionMnist.Source source = FashionMnist.load(null, true, 300);
        ProduceSummary summary;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
            summary = new ImageProducer(producer, topics).produce(source, new ImageProducer.Plan("fm", 0.2, 5, 2));
        }
        assertThat(summary.count(Split.TRAIN)).isEqualTo(240 * 2);
        assertThat(summary.count(Split.VAL)).isEqualTo(60);
        assertThat(summary.count(Split.TEST)).isEqualTo(300);

        List<ConsumerRecord<String, byte[]>> records = kafka.readCommitted(summary.total(), Duration.ofSeconds(30), topics.rawImages());
        assertThat(records).hasSize(summary.total());
        Map<String, Set<Integer>> epochsById = new HashMap<>();
        Set<String> valIds = new HashSet<>();
        OpenCv.load();
        byte[] expected = new byte[28 * 28];
        byte[] actual = new byte[28 * 28];
        for (ConsumerRecord<String, byte[]> r : records) {
            Split split = Split.parse(RawHeaders.get(r.headers(), RawHeaders.SPLIT));
            assertThat(RawHeaders.get(r.headers(), RawHeaders.DATASET)).isEqualTo("fm");
            assertThat(RawHeaders.get(r.headers(), RawHeaders.CONTENT_TYPE)).isEqualTo("image/png");
            int index = Integer.parseInt(r.key().substring(r.key().lastIndexOf('-') + 1));
            var set = r.key().startsWith("fm-test-") ? source.test() : source.train();
            assertThat(split == Split.TEST).isEqualTo(r.key().startsWith("fm-test-"));
            assertThat(RawHeaders.get(r.headers(), RawHeaders.LABEL)).isEqualTo(Integer.toString(set.label(index)));
            set.copyImage(index, expected);
            Mat decoded = Imgcodecs.imdecode(new MatOfByte(r.value()), Imgcodecs.IMREAD_UNCHANGED);
            decoded.get(0, 0, actual);
            decoded.release();
            assertThat(actual).as("pixels of %s", r.key()).isEqualTo(expected);
            if (split == Split.TRAIN) {
                epochsById.computeIfAbsent(r.key(), k -> new HashSet<>())
                        .add(Integer.parseInt(RawHeaders.get(r.headers(), RawHeaders.EPOCH)));
            } else if (split == Split.VAL) {
                valIds.add(r.key());
            }
        }
        assertThat(epochsById).hasSize(240).allSatisfy((id, epochs) -> assertThat(epochs).containsExactly(0, 1));
        assertThat(valIds).hasSize(60).doesNotContainAnyElementsOf(epochsById.keySet());

        Map<String, DatasetInfo> datasets = DatasetCatalog.read(kafka.clientProperties(), topics, Duration.ofSeconds(10));
        assertThat(datasets.get("fm").classes()).isEqualTo(FashionMnist.CLASSES);
        assertThat(datasets.get("fm").channels()).isEqualTo(1);
    }
}
