package io.streamaug.worker;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The worker's class count for mixing specs, from --classes or the dataset's definition on a real broker. */
@ExtendWith(KafkaBrokerExtension.class)
class AugmentCommandTest {
    private static final String MIXING = """
            ops: [{op: HorizontalFlip}]
            mix: {mixup_alpha: 0.2, p: 0.5}
            normalize: {mean: [0.5], std: [0.25]}
            """;

    private static AugmentCommand command(Topics topics, TestKafka kafka, Path spec, String... more) {
        AugmentCommand command = new AugmentCommand();
        String[] base = {"--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix(), "--spec",
            spec.toString(), "--stats-timeout", "3"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        new CommandLine(command).parseArgs(all);
        return command;
    }

    @Test
    void aMixingSpecTakesTheClassCountFromTheDatasetDefinitionUnlessGiven(TestKafka kafka, @TempDir Path dir)
            throws Exception {
        Topics topics = kafka.freshTopics("augmentcmd");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(1));
        }
        Properties props = kafka.clientProperties();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.datasets(), "pets",
                    new DatasetInfo("pets", List.of("cat", "dog", "bird"), 1, 0, 0).toJson())).get();
        }
        Path spec = Files.writeString(dir.resolve("mixing.yaml"), MIXING);
        PipelineSpec mixing = SpecLoader.load(spec, List.of());

        assertThat(command(topics, kafka, spec, "--dataset", "pets").classCount(mixing)).isEqualTo(3);
        assertThat(command(topics, kafka, spec, "--dataset", "pets", "--classes", "5").classCount(mixing)).isEqualTo(5);
        assertThatThrownBy(() -> command(topics, kafka, spec, "--classes", "1").classCount(mixing))
                .isInstanceOf(UsageException.class).hasMessageContaining("--classes must be at least 2");
        assertThatThrownBy(() -> command(topics, kafka, spec, "--dataset", "birds").classCount(mixing))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("needs the class count, and dataset 'birds' is not defined")
                .hasMessageContaining("after 3 s").hasMessageContaining("pass --classes N");

        Path plain = Files.writeString(dir.resolve("plain.yaml"), "ops: [{op: HorizontalFlip}]\n");
        assertThat(command(topics, kafka, plain, "--dataset", "birds").classCount(SpecLoader.load(plain, List.of())))
                .as("a spec that neither mixes nor smooths needs no class count, so nothing is awaited").isZero();
    }
}
