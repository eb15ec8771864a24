package io.streamaug.trainer.core;

import java.time.Duration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.DeadLetters;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.trainer.checkpoint.Provenance;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.eval.Evaluator;
import io.streamaug.trainer.report.MetricsLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class OnlineTrainerTest {
    private static final TrainConfig SMALL = TrainConfig.defaults().with(Map.of("dataset", Toy.DATASET, "hidden", "16",
            "lr", "1e-2", "batch_size", "8", "shuffle_buffer", "64", "idle_timeout", "3", "log_every", "5", "seed", "7"));

    @Test
    void learnsAndSendsUnusableRecordsToTheDeadLetterTopicWithTheReason(TestKafka kafka, @TempDir Path runs) throws Exception {
        Topics topics = Toy.topics(kafka, "trainer", 2);
        Random random = new Random(1);
        List<PreparedSample> samples = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            samples.add(Toy.sample(i, random));
        }
        List<PreparedSample> val = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            val.add(Toy.sample("v" + i, i % 2, Split.VAL, 0, random));
        }
        Toy.produce(kafka, topics.preparedVal(), val);
        Toy.produce(kafka, topics.augmentedTrain(), samples.subList(0, 100));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Toy.props(kafka))) {
            producer.send(new ProducerRecord<>(topics.augmentedTrain(), 0, "garbage".getBytes(StandardCharsets.UTF_8),
                    "not a prepared record".getBytes(StandardCharsets.UTF_8))).get();
        }
        Toy.produce(kafka, topics.augmentedTrain(), List.of(
                new PreparedSample("wide", Toy.DATASET, Split.TRAIN, 0, 0, 0, Tensor.ofFloats(Dtype.FLOAT32, 1, 2, 2, new float[4]),
                        Label.of(0), List.of()),
                Toy.sample("restamped", 0, Split.TRAIN, 5, random), // normalised with other stats than the rest
                new PreparedSample("other", "another-dataset", Split.TRAIN, 0, 0, 0,
                        Tensor.ofFloats(Dtype.FLOAT32, 1, 2, 2, new float[4]), Label.of(0), List.of())));
        Toy.produce(kafka, topics.augmentedTrain(), samples.subList(100, samples.size()));

        OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), topics, SMALL.with(Map.of("name", "t1",
                "eval_every", "50")), runs.resolve("t1"), Toy.CLASSES, null, line -> { }).command("streamaug train --name t1");
        OnlineTrainer.Result result = trainer.run();

        assertThat(result.samples()).isEqualTo(1200);
        assertThat(result.trainedCount()).isEqualTo(1200);
        assertThat(result.steps()).isEqualTo(150);
        assertThat(result.deadLetters()).isEqualTo(3);
        assertThat(result.otherDatasets()).isEqualTo(1); // another trainer's data: passed over, not a dead letter
        assertThat(result.lastLoss()).isLessThan(result.firstLoss() * 0.5);
        assertThat(result.initialLoss()).isCloseTo(Math.log(2), within(0.5));
        assertThat(result.finalVal().accuracy()).isGreaterThan(0.9);
        assertThat(result.finalVal().total()).isEqualTo(200);

        List<ConsumerRecord<String, byte[]>> letters = kafka.readCommitted(3, Duration.ofSeconds(20), topics.dlq());
        assertThat(letters).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("garbage", "wide", "restamped");
        for (ConsumerRecord<String, byte[]> letter : letters) {
            assertThat(Toy.header(letter, DeadLetters.STAGE)).isEqualTo("trainer:t1");
            assertThat(Toy.header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.augmentedTrain());
            String reason = Toy.header(letter, DeadLetters.ERROR_MESSAGE);
            switch (letter.key()) {
                case "garbage" -> assertThat(reason).contains("magic");
                case "wide" -> assertThat(reason).contains("is 1×2×2").contains("takes images 1×4×4");
                default -> assertThat(reason).contains("stats version 5").contains("trains on version 0");
            }
        }

        // What the run leaves behind: a metrics line per step and per evaluation, curves, a checkpoint,
        // and run.json: the command, the model in one line, why 1,200 records, one first loss.
        List<JsonNode> lines = MetricsLog.read(result.metrics());
        JsonNode run = new com.fasterxml.jackson.databind.ObjectMapper().readTree(runs.resolve("t1/run.json").toFile());
        assertThat(run.path("command").asText()).isEqualTo("streamaug train --name t1");
        assertThat(run.path("model").asText().toLowerCase()).startsWith("mlp model").contains("parameters").contains("minibatch 8");
        assertThat(run.path("records").asText()).isEqualTo("1,200 records: one pass over the train split (epoch 0, 1,200 each)");
        double firstStepLoss = lines.stream().filter(l -> l.path("type").asText().equals("step")).findFirst().orElseThrow()
                .path("loss").asDouble();
        assertThat(run.path("first_loss").asDouble()).isEqualTo(firstStepLoss).isEqualTo(result.firstLoss());
        assertThat(run.path("first_loss_cross_entropy").asDouble()).isEqualTo(result.initialLoss());
        assertThat(run.path("train_loss_includes").asText()).startsWith("cross-entropy against the training targets");
        assertThat(lines.stream().filter(l -> l.path("type").asText().equals("step")).map(l -> l.path("step").asLong()))
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 150).boxed().toList());
        assertThat(lines).filteredOn(l -> l.path("type").asText().equals("eval")).hasSize(3); // steps 50, 100 and 150, the last one also the final evaluation
        assertThat(lines.get(0).has("data_wait")).isTrue();
        assertThat(result.curves()).isNotNull();
        assertThat(Files.readAllBytes(result.curves())).startsWith(0x89, 'P', 'N', 'G');
        Checkpoint.State state = Checkpoint.readState(result.checkpoint());
        assertThat(state.step()).isEqualTo(150);
        assertThat(state.classes()).isEqualTo(Toy.CLASSES);
        assertThat(state.features()).isEqualTo(new io.streamaug.trainer.features.ImageFeatures(1, 4, 4));
        assertThat(state.offsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1200 + 4);
        assertThat(state.provenance()).isEqualTo(new Provenance(topics.augmentedTrain(), 0, List.of(), List.of("unknown (no streamaug.spec header)"))); // toy records have no trace
    }

    @Test
    void earlyStoppingStopsOnPatienceAndRestoresTheBestModel(TestKafka kafka, @TempDir Path runs) throws Exception {
        Topics topics = Toy.topics(kafka, "early", 1);
        Random random = new Random(2);
        // Val labels are the opposite of train's: the better the model learns, the worse val gets,
        // so the first evaluation is the best and patience runs out two evaluations later.
        List<PreparedSample> val = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            val.add(Toy.sample("v" + i, i % 2, Split.VAL, 0, random));
        }
        List<PreparedSample> flipped = val.stream().map(s -> new PreparedSample(s.id(), s.dataset(), s.split(), 0, 0, 0,
                s.payload(), Label.of(1 - ((Label.Hard) s.label()).index()), List.of())).toList();
        Toy.produce(kafka, topics.preparedVal(), flipped);
        Toy.produce(kafka, topics.augmentedTrain(), Toy.train(2000, 3));

        TrainConfig config = SMALL.with(Map.of("name", "early", "eval_every", "10", "patience", "2", "lr", "3e-3"));
        OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), topics, config, runs.resolve("early"),
                Toy.CLASSES, null, line -> { });
        OnlineTrainer.Result result = trainer.run();

        assertThat(result.stoppedEarly()).isTrue();
        assertThat(result.bestStep()).isEqualTo(10);
        assertThat(result.steps()).isEqualTo(30); // evaluations at 10 (best), 20 and 30 (two without improvement)
        assertThat(result.samples()).isLessThan(2000);
        Evaluator.Evaluation now = new Evaluator(kafka.clientProperties(), Toy.DATASET, trainer.features(), 2,
                java.time.Duration.ofSeconds(30)).evaluate(topics.preparedVal(), trainer.network());
        assertThat(now.loss()).isCloseTo(result.bestMetric(), within(1e-6)); // the model in hand is the best one
        Checkpoint.Loaded saved = Checkpoint.load(result.checkpoint());
        assertThat(saved.net().params().toFloatVector()).containsExactly(trainer.network().params().toFloatVector());
        assertThat(saved.state().step()).isEqualTo(30);
        assertThat(result.finalVal().loss()).isEqualTo(result.bestMetric());
    }
}
