package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.augment.image.IdxPngEncoder;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.IdxImages;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The worker the augment command builds, on a real broker: one mixing worker, datasets of different class counts. */
@ExtendWith(KafkaBrokerExtension.class)
class AugmentCommandTest {
    private static final String MIXING = """
            ops: [{op: HorizontalFlip}]
            mix: {mixup_alpha: 0.4, p: 1.0, label_smoothing: 0.1}
            normalize: {mean: [0.5], std: [0.25]}
            """;

    private static AugmentCommand command(Topics topics, TestKafka kafka, Path spec, Path state, String... more) {
        AugmentCommand command = new AugmentCommand();
        String[] base = {"--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(), "--spec",
            spec.toString(), "--state-dir", state.toString(), "--text-spec", "none"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        new CommandLine(command).parseArgs(all);
        return command;
    }

    @Test
    void oneMixingWorkerServesDatasetsOfThreeAndFourClassesWithNoClassFlag(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        Topics topics = kafka.freshTopics("augmentcmd");
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers(), topics);
        options.ensureTopics(TopicLayout.of(2));
        IdxImages images = FashionMnist.load(null, true, 40).train();
        Map<String, Integer> classes = Map.of("three", 3, "four", 4);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(options.producerProperties());
                IdxPngEncoder png = new IdxPngEncoder(images)) {
            for (var dataset : classes.entrySet()) {
                List<String> names = java.util.stream.IntStream.range(0, dataset.getValue()).mapToObj(i -> "c" + i).toList();
                producer.send(new ProducerRecord<>(topics.datasets(), dataset.getKey(),
                        new DatasetInfo(dataset.getKey(), names, 1, 28, 28).toJson())).get();
                for (int i = 0; i < 20; i++) {
                    var record = new ProducerRecord<>(topics.rawImages(), dataset.getKey() + "-" + i, png.encode(i));
                    RawHeaders.put(record.headers(), RawHeaders.DATASET, dataset.getKey());
                    RawHeaders.put(record.headers(), RawHeaders.LABEL, Integer.toString(i % dataset.getValue()));
                    RawHeaders.put(record.headers(), RawHeaders.CONTENT_TYPE, "image/png");
                    producer.send(record);
                }
            }
            producer.flush();
        }
        Path spec = Files.writeString(dir.resolve("mixing.yaml"), MIXING);
        PipelineSpec mixing = SpecLoader.load(spec, List.of());
        WorkerSetup setup = command(topics, kafka, spec, dir.resolve("state")).setup(mixing, mixing.normalization());
        assertThat(setup.imageSpec().mixing().mixes()).isTrue();

        Map<String, Integer> lengths = new HashMap<>();
        try (AugmentWorker worker = setup.build().start()) {
            List<ConsumerRecord<String, byte[]>> prepared = kafka.readCommitted(40, Duration.ofSeconds(90),
                    topics.augmentedTrain());
            assertThat(worker.failure()).isNull();
            assertThat(prepared).hasSize(40);
            for (ConsumerRecord<String, byte[]> record : prepared) {
                PreparedSample sample = PreparedCodec.decode(record.value());
                assertThat(sample.label()).isInstanceOf(Label.Soft.class);
                lengths.merge(sample.dataset() + ":" + ((Label.Soft) sample.label()).weights().length, 1, Integer::sum);
            }
        }
        // Every record's soft label spans its own dataset's classes: none was dead-lettered for a class
        // the worker did not know, and none was squeezed into another dataset's count.
        assertThat(lengths).containsExactlyInAnyOrderEntriesOf(Map.of("three:3", 20, "four:4", 20));
        assertThat(kafka.readToEnd(Duration.ofSeconds(10), topics.dlq())).isEmpty();
    }

    @Test
    void aNormalisationOfTheWrongChannelCountIsOneClearLine(TestKafka kafka, @TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("plain.yaml"), "ops: [{op: HorizontalFlip}]\n");
        PipelineSpec plain = SpecLoader.load(spec, List.of());
        AugmentCommand command = command(kafka.freshTopics("augmentcmd"), kafka, spec, dir.resolve("state"));
        assertThatThrownBy(() -> command.setup(plain, Normalization.IMAGENET))
                .isInstanceOf(UsageException.class)
                .hasMessage("the spec's normalize has 3 value(s) but the spec decodes 1 channel(s); use a spec with channels: 3");
    }

    @Test
    void twoPrefixedPipelinesOnOneBrokerShareNoTopicAndNoApplicationId(TestKafka kafka, @TempDir Path dir) throws Exception {
        String base = "twin" + System.nanoTime();
        Topics a = new Topics(base + "a");
        Topics b = new Topics(base + "b");
        assertThat(a.rawImages()).isEqualTo(base + "a.raw.images");
        assertThat(b.stats()).isEqualTo(base + "b.streamaug.stats");
        Path spec = Files.writeString(dir.resolve("plain.yaml"), "ops: [{op: HorizontalFlip}]\nnormalize: fashion-mnist\n");
        PipelineSpec plain = SpecLoader.load(spec, List.of());
        WorkerSetup workerA = command(a, kafka, spec, dir.resolve("a")).setup(plain, plain.normalization());
        WorkerSetup workerB = command(b, kafka, spec, dir.resolve("b")).setup(plain, plain.normalization());
        assertThat(workerA.applicationId()).isEqualTo(base + "a.streamaug-augment");
        assertThat(workerB.applicationId()).isEqualTo(base + "b.streamaug-augment");

        IdxImages images = FashionMnist.load(null, true, 20).train();
        Map<Topics, Integer> produced = Map.of(a, 12, b, 5);
        for (var entry : produced.entrySet()) {
            KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers(), entry.getKey());
            options.ensureTopics(TopicLayout.of(2));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(options.producerProperties());
                    IdxPngEncoder png = new IdxPngEncoder(images)) {
                producer.send(new ProducerRecord<>(entry.getKey().datasets(), "fm",
                        new DatasetInfo("fm", FashionMnist.CLASSES, 1, 28, 28).toJson())).get();
                for (int i = 0; i < entry.getValue(); i++) {
                    var record = new ProducerRecord<>(entry.getKey().rawImages(), "fm-" + i, png.encode(i));
                    RawHeaders.put(record.headers(), RawHeaders.DATASET, "fm");
                    RawHeaders.put(record.headers(), RawHeaders.LABEL, Integer.toString(images.label(i)));
                    producer.send(record);
                }
                producer.flush();
            }
        }
        try (AugmentWorker one = workerA.build().start(); AugmentWorker two = workerB.build().start()) {
            assertThat(kafka.readCommitted(12, Duration.ofSeconds(90), a.augmentedTrain())).hasSize(12);
            assertThat(kafka.readCommitted(5, Duration.ofSeconds(90), b.augmentedTrain())).hasSize(5);
            try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
                var groups = admin.listConsumerGroups().all().get().stream()
                        .map(org.apache.kafka.clients.admin.ConsumerGroupListing::groupId).toList();
                assertThat(groups).contains(workerA.applicationId(), workerB.applicationId())
                        .doesNotContain(AugmentConfig.DEFAULT_APPLICATION_ID);
            }
            assertThat(one.failure()).isNull();
            assertThat(two.failure()).isNull();
        }
        // Each pipeline prepared its own records and nothing of the other's.
        assertThat(kafka.readToEnd(Duration.ofSeconds(10), a.augmentedTrain())).hasSize(12);
        assertThat(kafka.readToEnd(Duration.ofSeconds(10), b.augmentedTrain())).hasSize(5);
    }
}
