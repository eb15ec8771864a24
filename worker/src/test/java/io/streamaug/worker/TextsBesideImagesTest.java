package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.TestImages;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DatasetInfo;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Texts are not held behind an image backlog: a worker that prepares both handles the texts as they
 * come, even when a long queue of older image records waits on the same partition number (a task that
 * read both topics would take records in timestamp order and prepare the texts last).
 */
@ExtendWith(KafkaBrokerExtension.class)
class TextsBesideImagesTest {
    private static final int IMAGES = 300;
    private static final int TEXTS = 5;

    @Test
    void textsArriveWhileTheOlderImageBacklogIsStillBeingPrepared(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics topics = kafka.freshTopics("texts-beside-images");
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers(), topics);
        options.ensureTopics(TopicLayout.of(1));
        long now = System.currentTimeMillis();
        // Noise PNGs of ~40 kB: a fetch brings a few dozen images at a time, and the texts with the first.
        io.streamaug.augment.image.OpenCv.load();
        Mat noise = new Mat(200, 200, CvType.CV_8UC1);
        Core.randu(noise, 0, 256);
        byte[] png = TestImages.encode(noise, ".png");
        noise.release();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(options.producerProperties())) {
            producer.send(new ProducerRecord<>(topics.datasets(), "fm", new DatasetInfo("fm", FashionMnist.CLASSES, 1, 0, 0).toJson())).get();
            producer.send(new ProducerRecord<>(topics.datasets(), "sms", new DatasetInfo("sms", List.of("ham", "spam"), 0, 0, 0).toJson())).get();
            for (int i = 0; i < IMAGES; i++) {
                ProducerRecord<String, byte[]> image = new ProducerRecord<>(topics.rawImages(), 0, now - 60_000 + i, "img-" + i, png);
                RawHeaders.put(image.headers(), RawHeaders.DATASET, "fm");
                RawHeaders.put(image.headers(), RawHeaders.LABEL, Integer.toString(i % 10));
                producer.send(image);
            }
            for (int i = 0; i < TEXTS; i++) {
                ProducerRecord<String, byte[]> text = new ProducerRecord<>(topics.rawText(), 0, now, "txt-" + i,
                        "a short message about nothing in particular".getBytes(StandardCharsets.UTF_8));
                RawHeaders.put(text.headers(), RawHeaders.DATASET, "sms");
                RawHeaders.put(text.headers(), RawHeaders.LABEL, "ham");
                producer.send(text);
            }
            producer.flush();
        }
        PipelineSpec spec = new SpecLoader(List.of()).parse("{repeats: 1, ops: [{op: HorizontalFlip, p: 0.5}, {op: Rotate, angle_range: [-15, 15]}]}", "test");
        var textSpec = new SpecLoader(List.of()).parseText("{type: text, repeats: 1, ops: [{op: RandomSwap, alpha: 0.2}]}", "test");
        try (AugmentWorker worker = WorkerSetup.of(kafka.clientProperties(), topics, "texts-beside-images-" + System.nanoTime(),
                dir, spec, Normalization.FASHION_MNIST).withText(textSpec).build().start()) {
            int expected = IMAGES * spec.repeats() + TEXTS;
            List<ConsumerRecord<String, byte[]>> train = kafka.readCommitted(expected, Duration.ofSeconds(120), topics.augmentedTrain());
            assertThat(train).hasSize(expected);
            List<Integer> textPositions = IntStream.range(0, train.size())
                    .filter(i -> train.get(i).key().startsWith("txt-")).boxed().toList();
            assertThat(textPositions).hasSize(TEXTS);
            assertThat(textPositions).as("the texts' places among %d prepared records", expected)
                    .allMatch(position -> position < expected / 2);
        }
    }
}
