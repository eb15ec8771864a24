package io.streamaug.broker;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.kafka.Topics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    @Test
    void keepsTopicsAndRecordsAcrossARestartOnTheSameDataDir(@TempDir Path dir) throws Exception {
        List<String> written = List.of("a", "b", "c");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of())) {
            try (Admin admin = Admin.create(props(broker))) {
                Topics.DEFAULT.ensure(admin, TopicLayout.of(2));
            }
            Properties p = props(broker);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (String value : written) {
                    producer.send(new ProducerRecord<>(Topics.DEFAULT.rawText(), 0, value, value)).get();
                }
            }
        }

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of())) {
            try (Admin admin = Admin.create(props(broker))) {
                assertThat(admin.listTopics().names().get()).contains(Topics.DEFAULT.rawText(), Topics.DEFAULT.stats());
                var outcomes = Topics.DEFAULT.ensure(admin, TopicLayout.of(2));
                assertThat(outcomes).allSatisfy(o -> assertThat(o.created()).isFalse());
            }
            assertThat(readAll(broker, Topics.DEFAULT.rawText())).isEqualTo(written);
        }
    }

    @Test
    void createsTheCompactedStatsTopicAndTheDlqWithItsOwnRetention(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of());
                Admin admin = Admin.create(props(broker))) {
            var outcomes = Topics.DEFAULT.ensure(admin, TopicLayout.of(3));
            assertThat(outcomes).hasSize(8).allSatisfy(o -> assertThat(o.created()).isTrue());
            assertThat(outcomes).filteredOn(o -> o.topic().equals(Topics.DEFAULT.rawImages()))
                    .singleElement().extracting(Topics.Outcome::partitions).isEqualTo(3);
            assertThat(config(admin, Topics.DEFAULT.stats(), "cleanup.policy")).isEqualTo("compact");
            assertThat(config(admin, Topics.DEFAULT.datasets(), "cleanup.policy")).isEqualTo("compact");
            assertThat(config(admin, Topics.DEFAULT.dlq(), "retention.ms"))
                    .isEqualTo(Long.toString(Duration.ofDays(14).toMillis()));
        }
    }

    @Test
    void takesTheClusterDefaultReplicationFactorAndRefusesMoreReplicasThanBrokers(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of());
                Admin admin = Admin.create(props(broker))) {
            Topics topics = new Topics("rf.");
            assertThat(Topics.replicationFactor(admin, TopicLayout.of(2))).isEqualTo((short) 1);
            assertThatThrownBy(() -> topics.ensure(admin, TopicLayout.of(2).withReplicationFactor(3)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("replication factor 3 needs 3 brokers, but the cluster has 1")
                    .hasMessageContaining("--replication-factor 1");
            assertThat(admin.listTopics().names().get()).noneMatch(name -> name.startsWith("rf."));
            assertThat(topics.ensure(admin, TopicLayout.of(2))).allSatisfy(o -> assertThat(o.replicas()).isEqualTo(1));
        }
    }

    @Test
    void listsExistingTopicsThatDifferFromTheLayoutAndChangesNothing(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, Map.of());
                Admin admin = Admin.create(props(broker))) {
            Topics topics = new Topics("old.");
            // Made by hand before the project ran: too few partitions, and a stats topic that deletes.
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topics.rawImages(), 1, (short) 1),
                    new org.apache.kafka.clients.admin.NewTopic(topics.stats(), 2, (short) 1))).all().get();

            List<Topics.Mismatch> mismatches = topics.check(admin, TopicLayout.of(4));

            assertThat(mismatches).extracting(Topics.Mismatch::topic)
                    .containsExactlyInAnyOrder(topics.rawImages(), topics.stats(), topics.stats());
            assertThat(mismatches).filteredOn(m -> m.topic().equals(topics.rawImages())).singleElement()
                    .satisfies(m -> assertThat(m.problem()).contains("has 1 partitions, fewer than --partitions 4"))
                    .satisfies(m -> assertThat(m.fix()).contains("--partitions 4"));
            assertThat(mismatches).filteredOn(m -> m.topic().equals(topics.stats()))
                    .extracting(Topics.Mismatch::problem)
                    .anySatisfy(p -> assertThat(p).contains("needs 1"))
                    .anySatisfy(p -> assertThat(p).contains("cleanup.policy=delete, needs compact"));
            topics.ensure(admin, TopicLayout.of(4));
            assertThat(admin.describeTopics(List.of(topics.rawImages())).allTopicNames().get()
                    .get(topics.rawImages()).partitions()).hasSize(1);
            assertThat(config(admin, topics.stats(), "cleanup.policy")).isEqualTo("delete");
        }
    }

    @Test
    void refusesAPortThatIsTakenWithAClearMessage(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dir, taken.getLocalPort(), Map.of()))
                    .isInstanceOf(EmbeddedKafkaBroker.BrokerStartException.class)
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("in use");
        }
    }

    private static String config(Admin admin, String topic, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(key);
        return entry.value();
    }

    private static Properties props(EmbeddedKafkaBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        return p;
    }

    private static List<String> readAll(EmbeddedKafkaBroker broker, String topic) {
        Properties p = props(broker);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < 3 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    /** Brokers' ports come from below the kernel's ephemeral range, which outgoing connections draw their source ports from. */
    @Test
    void freePortsLieBelowTheEphemeralRangeAndAreFree() throws Exception {
        int ephemeral = EmbeddedKafkaBroker.ephemeralRangeStart();
        for (int i = 0; i < 20; i++) {
            int port = EmbeddedKafkaBroker.freePort();
            if (ephemeral > EmbeddedKafkaBroker.LOWEST_CHOSEN_PORT + 1_000) {
                org.assertj.core.api.Assertions.assertThat(port).isBetween(EmbeddedKafkaBroker.LOWEST_CHOSEN_PORT, ephemeral - 1);
            }
            try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            }
        }
    }
}
