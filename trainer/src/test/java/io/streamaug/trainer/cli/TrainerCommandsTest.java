package io.streamaug.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.Commands;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.trainer.core.BatchBuilder;
import io.streamaug.trainer.eval.TestTimeViews;
import io.streamaug.trainer.features.ImageFeatures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/** The trainer's commands end to end on a real broker: train, evaluate, sweep, the overfit check, and their errors. */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainerCommandsTest {
    private Topics topics;
    private String[] kafkaArgs;
    private final List<PreparedSample> eval = new ArrayList<>();

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    void data(TestKafka kafka) throws Exception {
        topics = Toy.topics(kafka, "commands", 1);
        Random random = new Random(4);
        for (int i = 0; i < 200; i++) {
            eval.add(Toy.sample("e" + i, i % 2, Split.TEST, 0, random));
        }
        Toy.produce(kafka, topics.preparedTest(), eval);
        Toy.produce(kafka, topics.preparedVal(), eval.subList(0, 100));
        Toy.produce(kafka, topics.augmentedTrain(), Toy.train(800, 5));
        kafkaArgs = new String[] {"--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()};
    }

    private Run run(Callable<Integer> command, String... args) {
        return run(kafkaArgs, command, args);
    }

    private static Run run(String[] kafkaArgs, Callable<Integer> command, String... args) {
        String[] all = new String[kafkaArgs.length + args.length];
        System.arraycopy(kafkaArgs, 0, all, 0, kafkaArgs.length);
        System.arraycopy(args, 0, all, kafkaArgs.length, args.length);
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            CommandLine cli = Commands.configure(new CommandLine(command));
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute(all);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err + errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void trainThenEvaluatePrintsAccuracyPerClassAndTheConfusionMatrix(@TempDir Path runs) throws Exception {
        Path yaml = Files.writeString(runs.resolve("toy.yaml"), "dataset: toy\nhidden: [16]\nlr: 0.01\nbatch_size: 8\n");
        Run train = run(new TrainCommand(), "--config", yaml.toString(), "--name", "cli", "--runs", runs.toString(),
                "--idle-timeout", "3", "--quiet", "--json", runs.resolve("train.json").toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("steps: 100").contains("samples: 800").contains("val_accuracy:");
        assertThat(train.err()).contains("first loss").contains("cross-entropy at initialisation").contains("ln(2)");
        // The summary says what ran and why so many records; run.json keeps it.
        assertThat(train.out()).contains("command: train ").contains("--name cli --runs " + runs)
                .contains("records: 800 records: one pass over the train split").containsPattern("model: (?i)mlp model");
        assertThat(Files.readString(runs.resolve("cli/run.json"))).contains("\"command\" : \"train ")
                .contains("\"first_loss\"");
        assertThat(Files.readString(runs.resolve("train.json"))).contains("\"data_wait_fraction\"");

        Run evaluate = run(new EvaluateCommand(), "--checkpoint", runs.resolve("cli").toString(),
                "--json", runs.resolve("eval.json").toString());
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).containsPattern("accuracy (0\\.9\\d+|1\\.0000) \\(\\d+/200\\)")
                .contains("per-class accuracy:").contains("top").contains("bottom")
                .contains("confusion matrix (rows: true class, columns: predicted):");
        String[] lines = evaluate.out().lines().filter(l -> l.contains("] top") || l.contains("] bottom")).toArray(String[]::new);
        long total = 0;
        for (String line : lines) {
            String[] cells = line.trim().split("\\s+");
            total += Long.parseLong(cells[cells.length - 1]) + Long.parseLong(cells[cells.length - 2]);
        }
        assertThat(total).isEqualTo(200);
        assertThat(Files.readString(runs.resolve("eval.json"))).contains("\"per_class_accuracy\"").contains("\"confusion\"");

        // Test-time augmentation: each image scored by its probabilities averaged over 18 views, as computed by hand.
        Run tta = run(new EvaluateCommand(), "--checkpoint", runs.resolve("cli").toString(), "--tta-shift", "1",
                "--tta-flip", "--json", runs.resolve("tta.json").toString());
        assertThat(tta.exit()).as(tta.err()).isZero();
        assertThat(tta.err()).contains("with test-time augmentation, 18 views");
        assertThat(Files.readString(runs.resolve("tta.json"))).contains("\"views\" : 18").contains("\"samples\" : 200");
        Checkpoint.Loaded loaded = Checkpoint.load(EvaluateCommand.locate(runs.resolve("cli")));
        TestTimeViews views = new TestTimeViews(true, 1);
        float[] images = new BatchBuilder(loaded.state().features(), 2, 0).build(eval).getFeatures().data().asFloat();
        float[] viewed = new float[images.length];
        INDArray sum = Nd4j.zeros(DataType.FLOAT, eval.size(), 2);
        for (int v = 0; v < views.count(); v++) {
            views.write(images, viewed, eval.size(), (ImageFeatures) loaded.state().features(), v);
            sum.addi(loaded.net().output(Nd4j.create(viewed, new long[] {eval.size(), 16}, 'c'), false));
        }
        int[] predicted = sum.argMax(1).toIntVector();
        long correct = 0;
        for (int i = 0; i < eval.size(); i++) {
            correct += predicted[i] == ((Label.Hard) eval.get(i).label()).index() ? 1 : 0;
        }
        assertThat(tta.out()).contains("(" + correct + "/200)");
        Run tooFar = run(new EvaluateCommand(), "--checkpoint", runs.resolve("cli").toString(), "--tta-shift", "9");
        assertThat(tooFar.exit()).isEqualTo(Commands.EXIT_USAGE);
        assertThat(tooFar.err().strip()).contains("--tta-shift: the test-time shift must be between 0 and 4 pixels, got 9").doesNotContain("\n");

        // Resuming under the same name with another model is refused with the reason.
        Run changed = run(new TrainCommand(), "--config", yaml.toString(), "--name", "cli", "--runs", runs.toString(),
                "--hidden", "32", "--idle-timeout", "1", "--quiet");
        assertThat(changed.exit()).isEqualTo(Commands.EXIT_USAGE);
        assertThat(changed.err()).contains("trained with another model or recipe (hidden [16] → [32])");
    }

    @Test
    void sweepTrainsOneModelPerGridPointOnTheSameStreamAndPrintsATable(@TempDir Path runs) {
        Run sweep = run(new SweepCommand(), "--dataset", "toy", "--hidden", "8", "--batch-size", "16",
                "--grid", "lr=1e-2,1e-3", "weight_decay=0,1e-3", "--idle-timeout", "3", "--runs", runs.toString(),
                "--parallel", "2");
        assertThat(sweep.exit()).as(sweep.err()).isZero();
        List<String> table = sweep.out().lines().toList();
        assertThat(table.get(0)).startsWith("name").contains("lr").contains("weight_decay").contains("val_accuracy");
        assertThat(table).hasSize(5);
        assertThat(table.subList(1, 5)).extracting(l -> l.split("\\s+")[0])
                .containsExactly("sweep-1", "sweep-2", "sweep-3", "sweep-4");
        assertThat(table.subList(1, 5)).allSatisfy(l -> assertThat(l.split("\\s+")[3]).isEqualTo("50")); // 800 / 16 steps each
        assertThat(table.get(1).split("\\s+")[1]).isEqualTo("1e-2");
        assertThat(runs.resolve("sweep-1/run.json")).content().contains("--grid lr=1e-2,1e-3 weight_decay=0,1e-3")
                .contains("(trainer sweep-1)");

        Run endless = run(new SweepCommand(), "--dataset", "toy", "--grid", "lr=1e-2,1e-3", "--runs", runs.toString());
        assertThat(endless.exit()).isEqualTo(Commands.EXIT_USAGE);
        assertThat(endless.err()).contains("need an end");
        Run badKey = run(new SweepCommand(), "--dataset", "toy", "--grid", "learning=1", "--max-steps", "1");
        assertThat(badKey.exit()).isEqualTo(Commands.EXIT_USAGE);
        assertThat(badKey.err()).contains("unknown config key 'learning'");
    }

    @Test
    void overfitCheckPassesForAHealthyModelAndFailsForOneThatCannotLearn() {
        Run healthy = run(new TrainCommand(), "--dataset", "toy", "--hidden", "32", "--lr", "1e-2", "--overfit-check");
        assertThat(healthy.exit()).as(healthy.err()).isZero();
        assertThat(healthy.out()).contains("on 100 samples: PASS");
        Run frozen = run(new TrainCommand(), "--dataset", "toy", "--hidden", "32", "--lr", "1e-7", "--overfit-check");
        assertThat(frozen.exit()).isEqualTo(1);
        assertThat(frozen.out()).contains("FAIL");
    }

    @Test
    void unknownDatasetsAndMissingCheckpointsAreOneLineErrors(@TempDir Path runs) {
        Run unknown = run(new TrainCommand(), "--dataset", "nope", "--runs", runs.toString());
        assertThat(unknown.exit()).isEqualTo(Commands.EXIT_USAGE);
        assertThat(unknown.err().strip()).startsWith("train: dataset 'nope' is not defined").doesNotContain("\n");
        Run missing = run(new EvaluateCommand(), "--checkpoint", runs.resolve("none").toString());
        assertThat(missing.exit()).isEqualTo(Commands.EXIT_USAGE);
        assertThat(missing.err()).contains("does not exist");
    }

    @Test
    void aTrainerThatRejectsEveryRecordFailsWithOneLineSayingWhy(TestKafka kafka, @TempDir Path runs) throws Exception {
        Topics rejecting = Toy.topics(kafka, "rejects", 1);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Toy.props(kafka))) {
            for (int i = 0; i < 30; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(rejecting.augmentedTrain(),
                        ("bad-" + i).getBytes(StandardCharsets.UTF_8), "not a prepared record".getBytes(StandardCharsets.UTF_8)));
            }
        }
        String[] args = {"--bootstrap", kafka.bootstrapServers(), "--topic-prefix", rejecting.prefix()};
        Run train = run(args, new TrainCommand(), "--dataset", Toy.DATASET, "--hidden", "8", "--name", "rejects",
                "--runs", runs.toString(), "--idle-timeout", "2", "--quiet");
        assertThat(train.exit()).as(train.err()).isEqualTo(Commands.EXIT_FAILURE);
        assertThat(train.out()).doesNotContain("steps: 0").doesNotContain("NaN");
        assertThat(train.err().lines().filter(l -> l.contains("trained 0 steps")).toList()).singleElement().asString()
                .contains("all 30 records it read were rejected to " + rejecting.dlq()).contains("the first because");
        assertThat(kafka.readToEnd(java.time.Duration.ofSeconds(10), rejecting.dlq())).hasSize(30);
    }

    @Test
    void evaluateOnASplitThatWasNeverProducedSaysWhichAndHowToMakeIt(TestKafka kafka) throws Exception {
        Topics topics = Toy.topics(kafka, "nosplit", 1);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Toy.props(kafka))) {
            for (String split : List.of("train", "train", "val")) {
                var record = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(topics.rawImages(),
                        new byte[] {1});
                record.headers().add("dataset", Toy.DATASET.getBytes(StandardCharsets.UTF_8));
                record.headers().add("split", split.getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
        Run evaluate = run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()},
                new EvaluateCommand(), "--checkpoint", "src/test/resources/checkpoints/v1-mlp");
        assertThat(evaluate.exit()).isEqualTo(Commands.EXIT_USAGE);
        assertThat(evaluate.err().strip().lines().filter(l -> l.startsWith("evaluate:")).toList()).singleElement().asString()
                .contains("topic " + topics.preparedTest() + " holds no records of dataset toy")
                .contains("the producer made no test split")
                .contains("2 train, 1 val and 0 test records")
                .contains("re-produce with --test-fraction 0.2");
        // Produced but not prepared: the workers are named, not the producer.
        Run val = run(new String[] {"--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()},
                new EvaluateCommand(), "--checkpoint", "src/test/resources/checkpoints/v1-mlp", "--split", "val");
        assertThat(val.err()).contains("the augment workers have not prepared its 1 val records yet");
    }
}
