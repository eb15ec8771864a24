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
    void aDatasetDefinedOnTheCommandLineIsListedAndStatsSayWhatIsMissing(TestKafka kafka) {
        String prefix = kafka.freshTopics("datasetcmd").prefix();
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(CliTest.run("dataset", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                    "--name", "pets", "--classes", "cat,dog", "--channels", "3").code()).isZero();
            assertThat(CliTest.run("dataset", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix, "--list").code()).isZero();
        } finally {
            System.setOut(stdout);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("defined dataset 'pets'").containsPattern("pets\\s+3 channel\\(s\\), 2 classes: \\[cat, dog\\]");

        CliTest.Outcome undefined = CliTest.run("stats", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--dataset", "birds");
        assertThat(undefined.code()).isEqualTo(2);
        assertThat(undefined.err()).contains("dataset 'birds' is not defined");
        CliTest.Outcome empty = CliTest.run("stats", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--dataset", "pets");
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("no train images of dataset 'pets'");
        assertThat(CliTest.run("dataset", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", prefix, "--name", "x",
                "--classes", "a", "--channels", "2").err()).contains("channels must be 0 (text), 1 or 3");
    }

    @Test
    void theWorkerRefusesToRunWithoutTrainingStatistics(TestKafka kafka, @TempDir Path dir) throws Exception {
        Path spec = dir.resolve("no-normalize.yaml");
        Files.writeString(spec, "{ops: [{op: HorizontalFlip}]}");
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
        CliTest.Outcome outcome;
        try {
            outcome = CliTest.run("augment", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix",
                    kafka.freshTopics("nostats").prefix(), "--spec", spec.toString(), "--dataset", "pets", "--stats-timeout", "3",
                    "--text-spec", "none");
        } finally {
            System.setErr(stderr);
        }
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip().lines().filter(l -> l.startsWith("streamaug augment:")).toList()).singleElement()
                .asString().contains("no training statistics of dataset 'pets'").contains("./streamaug stats --dataset pets --bootstrap ");
        // While it waited, it said so at once, naming the command with the flags that reach this pipeline.
        assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("waiting for the training statistics of dataset 'pets'")
                .contains("'./streamaug stats --dataset pets --bootstrap " + kafka.bootstrapServers() + " --topic-prefix ")
                .contains("no dataset is defined yet");
    }
}
