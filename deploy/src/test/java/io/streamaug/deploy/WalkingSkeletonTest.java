package io.streamaug.deploy;

import io.streamaug.trainer.checkpoint.Checkpoint;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.KafkaOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole path on real parts: real broker, real OpenCV, real DL4J, on a small real subset. */
@ExtendWith(KafkaBrokerExtension.class)
class WalkingSkeletonTest {

    @Test
    void producedImagesAreAugmentedAndTheTrainersLossFalls(TestKafka kafka, @TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DemoRun.Settings settings = new DemoRun.Settings(true, 2000, 2, 3, 32, 42, false, null, 2, dir.resolve("report"));
        Map<String, Object> results = new DemoRun(KafkaOptions.of(kafka.bootstrapServers(), kafka.freshTopics("skeleton")),
                dir, settings, new PrintStream(log, true, StandardCharsets.UTF_8), 1, DemoRun.STAGES).run();

        // 2000 train images → 1800 train × 2 epochs + 200 val; the subset has 1000 test images.
        assertThat(results.get("records_produced")).isEqualTo(1800 * 2 + 200 + 1000);
        assertThat(results.get("train_samples")).isEqualTo(3600L);
        assertThat(results.get("records_prepared")).isEqualTo(3600L + 200 + 1000);
        // The trainer's metrics: one line per step (3600 / 32 → 113 steps); the loss falls.
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of((String) results.get("metrics")))) {
            JsonNode node = new ObjectMapper().readTree(line);
            if ("step".equals(node.path("type").asText())) {
                losses.add(node.path("loss").asDouble());
            }
        }
        assertThat(losses).hasSize(113);
        double first = losses.subList(0, 10).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(losses.size() - 10, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(last).isLessThan(first * 0.8);
        assertThat((double) results.get("data_wait_fraction")).isBetween(0.0, 1.0);
        assertThat(Path.of((String) results.get("curves"))).isRegularFile();
        assertThat((double) results.get("val_accuracy")).isGreaterThan(0.6);
        assertThat((double) results.get("test_accuracy")).isGreaterThan(0.6);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("[1/6] creating topics").contains("[6/6] writing the report").contains("val ")
                .contains("2 augment workers");
        Path report = dir.resolve("report");
        for (String file : List.of("index.html", "preview.png", "run/curves.png", "run/metrics.jsonl", "spec.yaml",
                "trainer-config.json", "test-evaluation.txt")) {
            assertThat(report.resolve(file)).as(file).isNotEmptyFile();
        }
        // The checkpoint names the spec the workers prepared its records with.
        List<Path> checkpoints = Checkpoint.list(report.resolve("run").resolve("checkpoints"));
        assertThat(checkpoints).isNotEmpty();
        assertThat(Checkpoint.readState(checkpoints.get(checkpoints.size() - 1)).provenance().specs())
                .singleElement().asString().matches("fashion-mnist@sha256:[0-9a-f]{16}");
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).contains("Test accuracy").contains("confusion matrix").contains("preview.png")
                .contains("run/curves.png").contains("Ankle boot");
        // The training report explains itself: the command, the model, why 3,600 records, one first loss.
        String records = "3,600 records: the train split replayed 2 times (epochs 0–1, 1,800 each)";
        assertThat(results.get("records_trained")).isEqualTo(records);
        assertThat(html).contains("<code>streamaug demo</code>").contains(records).contains("parameters")
                .contains(String.format(java.util.Locale.ROOT, "%.3f at the first step", losses.get(0)));
        JsonNode run = new ObjectMapper().readTree(report.resolve("run/run.json").toFile());
        assertThat(run.path("records").asText()).isEqualTo(records);
        assertThat(run.path("first_loss").asDouble()).isEqualTo(losses.get(0)).isEqualTo((double) results.get("loss_first"));
        assertThat(Files.readString(report.resolve("test-evaluation.txt"))).contains("confusion matrix");

        // A second demo into the same report folder is a new run: it must not resume the first one's model.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        new DemoRun(KafkaOptions.of(kafka.bootstrapServers(), kafka.freshTopics("skeleton-again")), dir,
                new DemoRun.Settings(true, 500, 1, 3, 32, 42, false, null, 1, report),
                new PrintStream(again, true, StandardCharsets.UTF_8), 1, DemoRun.STAGES).run();
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("no checkpoint").doesNotContain("resuming from");
    }

    @Test
    void theTextVariantTrainsOnSpamAssassinWithEda(TestKafka kafka, @TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DemoRun.Settings settings = new DemoRun.Settings(true, 0, 1, 3, 16, 42, true, null, 1, dir.resolve("report"));
        Map<String, Object> results = new DemoRun(KafkaOptions.of(kafka.bootstrapServers(), kafka.freshTopics("text-demo")),
                dir, settings, new PrintStream(log, true, StandardCharsets.UTF_8), 1, DemoRun.STAGES).run();
        // 1,200 messages: 70 % train, each as 4 EDA variants (specs/eda.yaml repeats: 4).
        assertThat((int) results.get("records_produced")).isEqualTo(1200);
        assertThat((long) results.get("train_samples")).isEqualTo(4L * (1200 - 120 - 240));
        assertThat((double) results.get("test_accuracy")).as(log.toString(StandardCharsets.UTF_8)).isGreaterThan(0.8);
        assertThat(dir.resolve("report").resolve("preview.txt")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("report").resolve("index.html"))).contains("spam");
    }
}
