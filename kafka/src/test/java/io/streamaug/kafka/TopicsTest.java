package io.streamaug.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void aPrefixNamespacesTopicsGroupsAndApplicationIdsBehindADot() {
        Topics uxp = new Topics("uxp");
        assertThat(uxp.rawImages()).isEqualTo("uxp.raw.images");
        assertThat(uxp.stats()).isEqualTo("uxp.streamaug.stats");
        assertThat(uxp.name("streamaug-augment")).isEqualTo("uxp.streamaug-augment");
        // A prefix that ends in a separator is used as it is; no prefix leaves DESIGN's names.
        assertThat(new Topics("uxp-").rawImages()).isEqualTo("uxp-raw.images");
        assertThat(new Topics("t1.").dlq()).isEqualTo("t1.streamaug.dlq");
        assertThat(Topics.DEFAULT.rawImages()).isEqualTo("raw.images");
        assertThat(Topics.DEFAULT.name("streamaug-augment")).isEqualTo("streamaug-augment");
    }

    @Test
    void theTopicsOfACheckpointAreFoundFromItsTrainTopic() {
        assertThat(Topics.ofAugmentedTrain(new Topics("uxp").augmentedTrain()).preparedTest()).isEqualTo("uxp.prepared.test");
        assertThat(Topics.ofAugmentedTrain("augmented.train")).isEqualTo(Topics.DEFAULT);
        assertThat(Topics.ofAugmentedTrain("some.other.topic")).isNull();
        assertThat(Topics.ofAugmentedTrain(null)).isNull();
    }
}
