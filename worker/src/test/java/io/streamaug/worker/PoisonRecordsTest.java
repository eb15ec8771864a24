package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.augment.image.ImageLimits;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.PoisonRecords;
import io.streamaug.broker.testing.PoisonRecords.Kind;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import io.streamaug.worker.stats.StatsCommand;
import io.streamaug.worker.stats.StatsJob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import picocli.CommandLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue of bad raw records ({@link PoisonRecords}), interleaved with good ones, through
 * {@code stats} and an image-and-text worker on a real broker: each bad record becomes exactly one
 * dead letter naming its stage and what is wrong, every good record is prepared, the worker keeps
 * running, and {@code stats} skips exactly the images the worker dead-letters, so its mean and std
 * are those of the good images alone.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonRecordsTest {
    /** What the worker may write to a prepared topic here (the enormous text is larger). */
    private static final int PREPARED_LIMIT = 100_000;

    @Test
    void everyBadRawRecordIsOneDeadLetterWithItsReasonAndStatsSkipsWhatTheWorkerRefuses(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        Topics topics = kafka.freshTopics("poison");
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers(), topics);
        options.ensureTopics(TopicLayout.of(1));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> limits = new HashMap<>();
            for (String topic : List.of(topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest())) {
                limits.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(PREPARED_LIMIT + 16 * 1024)),
                        AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(limits).all().get();
        }
        DatasetInfo images = new DatasetInfo(PoisonRecords.IMAGES, PoisonRecords.CLASSES, 1, 0, 0);
        DatasetInfo texts = new DatasetInfo(PoisonRecords.TEXT, PoisonRecords.CLASSES, 0, 0, 0);

        List<Kind> imagePoison = PoisonRecords.rawImages();
        List<Kind> textPoison = PoisonRecords.rawText(PREPARED_LIMIT);
        assertThat(imagePoison.size() + textPoison.size()).as("kinds of bad raw record").isGreaterThanOrEqualTo(30);
        List<Kind> goodImages = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            goodImages.add(PoisonRecords.goodImage(i));
        }
        goodImages.addAll(PoisonRecords.oddButGoodHeaders());
        goodImages.addAll(PoisonRecords.convertedImages());
        List<Kind> goodTexts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            goodTexts.add(PoisonRecords.goodText(i));
        }

        Map<String, Kind> sent = new HashMap<>(); // "topic@offset" → kind (one partition per topic)
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(options.producerProperties())) {
            producer.send(new ProducerRecord<>(topics.datasets(), images.name(), images.toJson())).get();
            producer.send(new ProducerRecord<>(topics.datasets(), texts.name(), texts.toJson())).get();
            for (Kind kind : interleave(goodImages, imagePoison)) {
                long offset = producer.send(kind.record(topics.rawImages())).get().offset();
                sent.put(topics.rawImages() + "@" + offset, kind);
            }
            for (Kind kind : interleave(goodTexts, textPoison)) {
                long offset = producer.send(kind.record(topics.rawText())).get().offset();
                sent.put(topics.rawText() + "@" + offset, kind);
            }
        }
        ImageLimits limits = new ImageLimits(PoisonRecords.MAX_IMAGE_BYTES, ImageLimits.DEFAULT.maxPixels());

        // stats: skips (and names) exactly the image records the worker dead-letters; counts only the good ones
        StatsJob.Outcome stats = StatsJob.compute(kafka.clientProperties(), topics, images, limits, Duration.ofSeconds(30));
        assertThat(stats.skipped()).isEqualTo(imagePoison.size());
        assertThat(stats.stats().images()).isEqualTo(goodImages.size());
        double[] expected = meanAndStd(goodImages);
        assertThat(stats.stats().mean()[0]).isCloseTo(expected[0], within(1e-9));
        assertThat(stats.stats().std()[0]).isCloseTo(expected[1], within(1e-9));

        // the command reports the same, on its console and in --json
        Path json = dir.resolve("stats.json");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new StatsCommand()).execute("--bootstrap", kafka.bootstrapServers(), "--topic-prefix",
                    topics.prefix(), "--dataset", images.name(), "--max-image-bytes", Long.toString(PoisonRecords.MAX_IMAGE_BYTES),
                    "--json", json.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("over " + goodImages.size() + " train images")
                .contains(imagePoison.size() + " skipped that the workers would dead-letter");
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("skipped").asLong()).isEqualTo(stats.skipped());
        assertThat(report.get("images").asLong()).isEqualTo(goodImages.size());
        assertThat(report.get("mean").get(0).asDouble()).isCloseTo(expected[0], within(1e-9));
        assertThat(report.get("first_skipped")).hasSize(StatsJob.REPORTED_SKIPS);
        assertThat(report.get("first_skipped").get(0).get("reason").asText()).contains("no key");

        // the worker: one dead letter per bad record, with its stage and reason; every good record prepared
        PipelineSpec spec = SpecLoader.resolve("fashion-mnist", PoisonRecords.CLASSES);
        AtomicLong deadLetters = new AtomicLong();
        WorkerSetup setup = new WorkerSetup(kafka.clientProperties(), topics, "poison-" + System.nanoTime(), 1, dir, spec,
                Normalization.FASHION_MNIST, limits, SpecLoader.resolveText("eda"), AugmentTopology.DEFAULT_MIX_BUFFER);
        int poison = imagePoison.size() + textPoison.size();
        try (AugmentWorker worker = setup.build(deadLetters).start()) {
            List<ConsumerRecord<String, byte[]>> letters = kafka.readCommitted(poison, Duration.ofSeconds(90), topics.dlq());
            List<ConsumerRecord<String, byte[]>> prepared = kafka.readCommitted(1, Duration.ofSeconds(30),
                    topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest());

            List<String> problems = new ArrayList<>();
            Set<String> lettered = new HashSet<>(); // "topic@offset": kinds of two topics may be equal
            for (ConsumerRecord<String, byte[]> letter : letters) {
                String at = header(letter, DeadLetters.SOURCE_TOPIC) + "@" + header(letter, DeadLetters.SOURCE_OFFSET);
                Kind kind = sent.get(at);
                String stage = header(letter, DeadLetters.STAGE);
                String reason = header(letter, DeadLetters.ERROR_MESSAGE);
                if (kind == null || !kind.poison()) {
                    problems.add("a good record was dead-lettered: " + kind + " (" + stage + ": " + reason + ")");
                } else if (!lettered.add(at)) {
                    problems.add(kind + ": dead-lettered twice");
                } else if (!stage.startsWith(kind.stage()) || !reason.contains(kind.reason())) {
                    problems.add(kind + ": stage '" + stage + "', reason '" + reason + "'; expected '" + kind.stage()
                            + "' and a reason containing '" + kind.reason() + "'");
                }
            }
            sent.forEach((at, k) -> {
                if (k.poison() && !lettered.contains(at)) {
                    problems.add(k + " at " + at + ": no dead letter");
                }
            });
            assertThat(problems).isEmpty();
            assertThat(deadLetters.get()).isEqualTo(poison);

            Set<String> good = new HashSet<>();
            goodImages.forEach(k -> good.add(k.key()));
            goodTexts.forEach(k -> good.add(k.key()));
            assertThat(prepared.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).isEqualTo(good);
            assertThat(worker.failure()).isNull();
            assertThat(worker.state()).isEqualTo(KafkaStreams.State.RUNNING);

            // stats' count of skipped records is the worker's count of dead letters from the images topic
            assertThat(letters.stream().filter(l -> topics.rawImages().equals(header(l, DeadLetters.SOURCE_TOPIC))).count())
                    .isEqualTo(stats.skipped());
        }
    }

    /** Good and bad records alternating, a good one first. */
    private static List<Kind> interleave(List<Kind> good, List<Kind> bad) {
        List<Kind> out = new ArrayList<>();
        for (int i = 0; i < Math.max(good.size(), bad.size()); i++) {
            if (i < good.size()) {
                out.add(good.get(i));
            }
            if (i < bad.size()) {
                out.add(bad.get(i));
            }
        }
        return out;
    }

    /** Mean and population std (0..1) over the pixels the good images decode to, two passes. */
    private static double[] meanAndStd(List<Kind> goodImages) {
        List<byte[]> all = new ArrayList<>();
        for (Kind kind : goodImages) {
            if (kind.key().startsWith("good-img-")) {
                all.add(PoisonRecords.goodPixels(Integer.parseInt(kind.key().substring("good-img-".length()))));
            } else {
                byte[] gray = new byte[PoisonRecords.SIZE * PoisonRecords.SIZE];
                java.util.Arrays.fill(gray, (byte) PoisonRecords.CONVERTED_GRAY);
                all.add(gray);
            }
        }
        double sum = 0;
        long n = 0;
        for (byte[] pixels : all) {
            for (byte p : pixels) {
                sum += (p & 0xff) / 255.0;
                n++;
            }
        }
        double mean = sum / n;
        double squares = 0;
        for (byte[] pixels : all) {
            for (byte p : pixels) {
                double d = (p & 0xff) / 255.0 - mean;
                squares += d * d;
            }
        }
        return new double[] {mean, Math.sqrt(squares / n)};
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        var header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
