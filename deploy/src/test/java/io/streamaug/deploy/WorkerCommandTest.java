package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class WorkerCommandTest {

    @Test
    void theWorkerRefusesToRunWithoutTrainingStatistics(TestKafka kafka, @TempDir Path dir) throws Exception {
        Path spec = dir.resolve("no-normalize.yaml");
        Files.writeString(spec, "{ops: [{op: HorizontalFlip}]}");
        CliTest.Outcome outcome = CliTest.run("augment", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix",
                kafka.freshTopics("nostats").prefix(), "--spec", spec.toString(), "--dataset", "pets", "--stats-timeout", "3",
                "--text-spec", "none");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip().lines().filter(l -> l.startsWith("streamaug augment:")).toList()).singleElement()
                .asString().contains("no training statistics of 'pets'").contains("./streamaug stats --dataset pets");
    }
}
