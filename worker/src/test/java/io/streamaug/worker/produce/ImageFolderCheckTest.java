package io.streamaug.worker.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.TestImages;
import io.streamaug.datasets.ImageFolder;
import io.streamaug.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder files are checked with the workers' decoder: what a worker would dead-letter is never produced. */
class ImageFolderCheckTest {
    @Test
    void bombsAndTruncatedFilesAreSkippedWithTheDecodersReason(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("cat"));
        Files.createDirectories(root.resolve("dog"));
        byte[] good = TestImages.solidRgbPng(8, 8, 10, 20, 30);
        byte[] bomb = TestImages.pngDeclaring(100_000, 100_000);
        Files.write(root.resolve("cat/a.png"), good);
        Files.write(root.resolve("cat/bomb.png"), bomb);
        Files.write(root.resolve("dog/b.png"), good);
        Files.write(root.resolve("dog/cut.png"), Arrays.copyOf(good, good.length / 2));

        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        ProduceSummary summary = new ImageProducer(producer, Topics.DEFAULT)
                .produce(ImageFolder.scan(root), new ImageProducer.Plan("pets", 0.0, 1, 1));

        List<String> produced = producer.history().stream().filter(r -> r.topic().equals(Topics.DEFAULT.rawImages()))
                .map(ProducerRecord::key).toList();
        assertThat(produced).containsExactlyInAnyOrder("cat/a.png", "dog/b.png");
        assertThat(summary.skipped()).hasSize(2);
        assertThat(summary.skipped()).anySatisfy(s -> assertThat(s).contains("bomb.png").contains("decompression bomb"));
        assertThat(summary.skipped()).anySatisfy(s -> assertThat(s).contains("cut.png").contains("not an image OpenCV can decode"));
    }
}
