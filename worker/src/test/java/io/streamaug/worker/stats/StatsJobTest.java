package io.streamaug.worker.stats;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.streamaug.augment.image.ImageLimits;
import io.streamaug.augment.image.TestImages;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.IdxImages;
import io.streamaug.worker.produce.ImageProducer;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.DatasetStats;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class StatsJobTest {

    /** Mean and population std of all pixels (0..1), two passes in float64: the reference. */
    static double[] twoPass(IdxImages images) {
        byte[] pixels = images.pixels();
        double sum = 0;
        for (byte p : pixels) {
            sum += (p & 0xff) / 255.0;
        }
        double mean = sum / pixels.length;
        double squares = 0;
        for (byte p : pixels) {
            double d = (p & 0xff) / 255.0 - mean;
            squares += d * d;
        }
        return new double[] {mean, Math.sqrt(squares / pixels.length)};
    }

    static DatasetStats run(TestKafka kafka, String name, FashionMnist.Source source, double valFraction, int epochs) throws Exception {
        Topics topics = kafka.freshTopics(name);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(3));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
            new ImageProducer(producer, topics).produce(source, new ImageProducer.Plan("fm", valFraction, 1, epochs));
        }
        DatasetInfo info = DatasetCatalog.read(kafka.clientProperties(), topics, Duration.ofSeconds(10)).get("fm");
        StatsJob.Outcome outcome = StatsJob.compute(kafka.clientProperties(), topics, info, Duration.ofSeconds(30));
        DatasetStats first = StatsJob.publish(kafka.clientProperties(), topics, outcome.stats(), Duration.ofSeconds(10));
        DatasetStats second = StatsJob.publish(kafka.clientProperties(), topics, outcome.stats(), Duration.ofSeconds(10));
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(DatasetCatalog.readStats(kafka.clientProperties(), topics, Duration.ofSeconds(10)).get("fm")).isEqualTo(second);
        return second;
    }

    @Test
    void trainSplitStatisticsMatchATwoPassComputationAndIgnoreValTestAndReplays(TestKafka kafka) throws Exception {
        FashionMnist.Source source = FashionMnist.load(null, true, 0);
        // All training images go to train (val 0), replayed twice; the test file must not count.
        DatasetStats stats = run(kafka, "stats", source, 0.0, 2);
        double[] expected = twoPass(source.train());
        assertThat(stats.images()).isEqualTo(6000);
        assertThat(stats.count()[0]).isEqualTo(6000L * 784);
        assertThat(stats.mean()[0]).isCloseTo(expected[0], within(expected[0] * 1e-9));
        assertThat(stats.std()[0]).isCloseTo(expected[1], within(expected[1] * 1e-9));
    }

    @Test
    void onTheFullFashionMnistTrainSetTheyAgreeTo1e9(TestKafka kafka) throws Exception {
        assumeThat(Files.isDirectory(FashionMnist.DEBIAN_DIR)).as("Debian's dataset-fashion-mnist").isTrue();
        FashionMnist.Source source = FashionMnist.load(null, false, 0);
        DatasetStats stats = run(kafka, "fullstats", source, 0.0, 1);
        double[] expected = twoPass(source.train());
        assertThat(stats.images()).isEqualTo(60_000);
        assertThat(stats.mean()[0]).isCloseTo(expected[0], within(expected[0] * 1e-9)).isCloseTo(0.286040597, within(1e-9));
        assertThat(stats.std()[0]).isCloseTo(expected[1], within(expected[1] * 1e-9)).isCloseTo(0.353024245, within(1e-9));
    }

    @Test
    void recordsTheWorkerWouldDeadLetterAreSkippedReportedAndNotCounted(TestKafka kafka) throws Exception {
        byte[] bomb = TestImages.pngDeclaring(100_000, 100_000);
        assertThat(new String(bomb, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        assertThatThrownBy(() -> ImageLimits.DEFAULT.check(bomb)).hasMessageContaining("100000×100000");
        byte[] good = TestImages.grayPng(28, 28);
        byte[] truncated = Arrays.copyOf(good, good.length / 2);

        FashionMnist.Source source = FashionMnist.load(null, true, 0);
        Topics topics = kafka.freshTopics("statsbad");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(3));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
            new ImageProducer(producer, topics).produce(source, new ImageProducer.Plan("fm", 0.0, 1, 1));
            producer.send(raw(topics, "bomb", bomb, "0")).get();
            producer.send(raw(topics, "truncated", truncated, "0")).get();
            producer.send(raw(topics, "unknown-label", good, "no-such-class")).get();
        }
        DatasetInfo info = DatasetCatalog.read(kafka.clientProperties(), topics, Duration.ofSeconds(10)).get("fm");
        StatsJob.Outcome outcome = StatsJob.compute(kafka.clientProperties(), topics, info, Duration.ofSeconds(30));

        double[] expected = twoPass(source.train());
        assertThat(outcome.stats().images()).isEqualTo(6000);
        assertThat(outcome.stats().mean()[0]).isCloseTo(expected[0], within(expected[0] * 1e-9));
        assertThat(outcome.stats().std()[0]).isCloseTo(expected[1], within(expected[1] * 1e-9));
        assertThat(outcome.skipped()).isEqualTo(3);
        assertThat(outcome.firstSkipped()).extracting(StatsJob.Skip::key)
                .containsExactlyInAnyOrder("bomb", "truncated", "unknown-label");
        Map<String, String> reasons = outcome.firstSkipped().stream()
                .collect(Collectors.toMap(StatsJob.Skip::key, StatsJob.Skip::reason));
        assertThat(reasons.get("bomb")).contains("decompression bomb");
        assertThat(reasons.get("truncated")).contains("not an image OpenCV can decode");
        assertThat(reasons.get("unknown-label")).contains("no-such-class");

        // The command prints them in its summary.
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new StatsCommand()).execute("--bootstrap", kafka.bootstrapServers(),
                    "--topic-prefix", topics.prefix(), "--dataset", "fm");
        } finally {
            System.setOut(stdout);
        }
        String summary = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(summary).isZero();
        assertThat(summary).contains("over 6000 train images").contains("3 skipped that the workers would dead-letter")
                .contains("bomb (partition").contains("decompression bomb").contains("truncated (partition")
                .contains("unknown-label (partition");
    }

    private static ProducerRecord<String, byte[]> raw(Topics topics, String key, byte[] value, String label) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.rawImages(), key, value);
        RawHeaders.put(record.headers(), RawHeaders.DATASET, "fm");
        RawHeaders.put(record.headers(), RawHeaders.SPLIT, "train");
        RawHeaders.put(record.headers(), RawHeaders.LABEL, label);
        RawHeaders.put(record.headers(), RawHeaders.EPOCH, "0");
        return record;
    }

    @Test
    void partialsMergeInAnyOrder() {
        Random random = new Random(5);
        DatasetStats[] parts = new DatasetStats[4];
        for (int p = 0; p < parts.length; p++) {
            parts[p] = DatasetStats.empty("d", 3);
            for (int i = 0; i < 20; i++) {
                byte[] image = new byte[(10 + p * 7) * 3]; // different image sizes weigh by pixel
                random.nextBytes(image);
                parts[p] = parts[p].addImage(image, 3);
            }
        }
        DatasetStats forward = parts[0].merge(parts[1]).merge(parts[2]).merge(parts[3]);
        DatasetStats backward = parts[3].merge(parts[2].merge(parts[1])).merge(parts[0]);
        for (int c = 0; c < 3; c++) {
            assertThat(backward.mean()[c]).isCloseTo(forward.mean()[c], within(1e-15));
            assertThat(backward.std()[c]).isCloseTo(forward.std()[c], within(1e-14));
        }
        assertThat(DatasetStats.fromJson(forward.toJson())).isEqualTo(forward);
    }
}
