package io.streamaug.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A three-node local cluster: replicated topics by default, and a broker killed and restarted loses nothing. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaClusterTest {

    @Test
    void topicsAreReplicatedAndABrokerKilledAndRestartedLosesNothing(KafkaCluster cluster) throws Exception {
        assertThat(cluster.size()).isEqualTo(3);
        KafkaOptions kafka = KafkaOptions.of(cluster.bootstrapServers(), new Topics("cluster."));
        Topics topics = kafka.topics();

        List<Topics.Outcome> outcomes = kafka.ensureTopics(TopicLayout.of(3));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.replicas()).isEqualTo(3));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            ConfigResource raw = new ConfigResource(ConfigResource.Type.TOPIC, topics.rawImages());
            ConfigEntry minIsr = admin.describeConfigs(List.of(raw)).all().get().get(raw).get("min.insync.replicas");
            assertThat(minIsr.value()).isEqualTo("2");
            // A killed broker is fenced, and its partitions led elsewhere, after 4 s of silence, not Kafka's 9 s.
            ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
            assertThat(admin.describeConfigs(List.of(node)).all().get().get(node).get("broker.session.timeout.ms").value())
                    .isEqualTo("4000");

            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                send(producer, topics, 0, 100);
                long before = cluster.pid(2);
                cluster.kill(2);
                assertThat(cluster.pid(2)).isEqualTo(-1);
                assertThat(ProcessHandle.of(before)).isEmpty();
                // Two replicas of three are in sync: acks=all writes still succeed.
                send(producer, topics, 100, 200);
                // A command (re)starting now finds its topics and goes on: the replication factor is
                // only checked against the live brokers when a topic is to be created.
                assertThat(kafka.ensureTopics(TopicLayout.of(3))).allSatisfy(o -> assertThat(o.created()).isFalse());
                Topics more = new Topics("cluster-more.");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> KafkaOptions.of(cluster.bootstrapServers(), more)
                        .ensureTopics(TopicLayout.of(3))).hasMessageContaining("needs 3 brokers, but the cluster has 2");
                cluster.restart(2);
                send(producer, topics, 200, 300);
            }
            // The restarted broker catches up and rejoins every ISR.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!allInSync(admin, topics.rawImages(), 3)) {
                assertThat(System.nanoTime()).as("node 2 back in every ISR within 60 s").isLessThan(deadline);
                Thread.sleep(250);
            }
        }
        List<ConsumerRecord<String, byte[]>> read = new TestKafka(cluster.bootstrapServers())
                .readCommitted(300, Duration.ofSeconds(60), topics.rawImages());
        Set<String> keys = new HashSet<>();
        read.forEach(r -> assertThat(keys.add(r.key())).as("duplicate %s", r.key()).isTrue());
        assertThat(keys).hasSize(300);
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topics topics, int from, int to) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            acks.add(producer.send(new ProducerRecord<>(topics.rawImages(), "k-" + i, new byte[] {(byte) i})));
        }
        // Each batch is acknowledged by all in-sync replicas before the next step.
        for (var ack : acks) {
            ack.get();
        }
    }

    private static boolean allInSync(Admin admin, String topic, int replicas) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return description.partitions().stream().allMatch(p -> p.isr().size() == replicas);
    }
}
