package io.streamaug.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicLayoutTest {

    @Test
    void threeOrMoreReplicasGetAMinimumInSyncOfOneFewer() {
        for (short replicas = 1; replicas <= 5; replicas++) {
            List<NewTopic> topics = Topics.DEFAULT.definitions(TopicLayout.of(6), replicas);
            String expected = replicas >= 3 ? Integer.toString(replicas - 1) : null;
            for (NewTopic topic : topics) {
                assertThat(topic.replicationFactor()).isEqualTo(replicas);
                assertThat(topic.configs().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG))
                        .as("%s with %d replicas", topic.name(), replicas).isEqualTo(expected);
            }
        }
    }

    @Test
    void anExplicitMinimumInSyncWinsAndKeepsEachTopicsOwnSettings() {
        TopicLayout layout = new TopicLayout(4, Optional.of((short) 3), OptionalInt.of(3));
        List<NewTopic> topics = Topics.DEFAULT.definitions(layout, (short) 3);
        assertThat(topics).allSatisfy(t -> assertThat(t.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "3"));
        NewTopic stats = topics.stream().filter(t -> t.name().equals(Topics.DEFAULT.stats())).findFirst().orElseThrow();
        assertThat(stats.numPartitions()).isEqualTo(1);
        assertThat(stats.configs()).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        NewTopic raw = topics.stream().filter(t -> t.name().equals(Topics.DEFAULT.rawImages())).findFirst().orElseThrow();
        assertThat(raw.numPartitions()).isEqualTo(4);
    }

    @Test
    void aLayoutNoWriteCouldSatisfyIsRefusedWithTheFlagsNamed() {
        assertThatThrownBy(() -> new TopicLayout(6, Optional.of((short) 2), OptionalInt.of(3)))
                .hasMessageContaining("--min-insync-replicas 3 is more than --replication-factor 2");
        assertThatThrownBy(() -> TopicLayout.of(0)).hasMessageContaining("--partitions must be at least 1, got 0");
        assertThatThrownBy(() -> TopicLayout.of(3).withReplicationFactor(0))
                .hasMessageContaining("--replication-factor must be at least 1, got 0");
    }
}
