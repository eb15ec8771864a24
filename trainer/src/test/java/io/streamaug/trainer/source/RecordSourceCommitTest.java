package io.streamaug.trainer.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.EmbeddedKafkaBroker;
import io.streamaug.kafka.Topics;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.config.TrainConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The final commit of the read offsets against a real broker, and when that broker has gone away. */
class RecordSourceCommitTest {
    private static final Topics TOPICS = new Topics("commit");
    private static final TrainConfig CONFIG = TrainConfig.defaults().with(Map.of("name", "commit", "dataset", Toy.DATASET));

    @Test
    void commitsTheOffsetsAndGivesUpWithinSecondsOnceTheBrokerIsGone(@TempDir Path dir) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), 0, Map.of());
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "commit-trainer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        TopicPartition partition = new TopicPartition(TOPICS.augmentedTrain(), 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPICS.augmentedTrain(), 1, (short) 1))).all().get();
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        MockProducer<byte[], byte[]> dlq = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        RecordSource source = new RecordSource(consumer, dlq, TOPICS, CONFIG, line -> { });
        try {
            RecordSource.Position start = source.position(List.of());
            source.restore(new RecordSource.Position(Map.of(0, 5L), List.of(), start.randomState(), 0, 0));
            assertThat(source.commit()).isEmpty();
            assertThat(consumer.committed(Set.of(partition), Duration.ofSeconds(10)).get(partition).offset()).isEqualTo(5);

            broker.close();
            long before = System.nanoTime();
            Optional<String> failed = source.commit();
            double seconds = (System.nanoTime() - before) / 1e9;
            assertThat(failed).as("the commit reports that it failed").isPresent();
            assertThat(seconds).as("it gave up after RecordSource.COMMIT_TIMEOUT, not Kafka's minute")
                    .isLessThan(RecordSource.COMMIT_TIMEOUT.toSeconds() + 5.0);
            before = System.nanoTime();
            source.close();
            assertThat((System.nanoTime() - before) / 1e9).as("closing the consumer and the dead-letter producer").isLessThan(10.0);
        } finally {
            source.close();
            broker.close();
        }
    }
}
