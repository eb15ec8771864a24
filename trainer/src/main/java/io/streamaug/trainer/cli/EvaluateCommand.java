package io.streamaug.trainer.cli;

import io.streamaug.core.cli.JsonOutput;
import io.streamaug.core.Split;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.UsageException;
import io.streamaug.trainer.checkpoint.Checkpoint;
import io.streamaug.trainer.eval.Evaluator;
import io.streamaug.trainer.eval.TestTimeViews;
import io.streamaug.trainer.features.ImageFeatures;
import io.streamaug.trainer.source.DeadLetterWriter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug evaluate}: a checkpoint's accuracy, per-class accuracy and confusion matrix on the test topic. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate a trained checkpoint on the prepared test topic (or val with --split val) of the "
                + "pipeline it was trained on (its checkpoint records the topics; --topic-prefix overrides them).",
            "Prints accuracy, per-class accuracy and the confusion matrix (rows: true class, columns: predicted).",
            "--tta-shift and --tta-flip score each image by its class probabilities averaged over its shifted and "
                + "mirrored views (test-time augmentation)."})
public final class EvaluateCommand implements Callable<Integer> {
    /** The stage named on the dead letters of the records it cannot score. */
    public static final String STAGE = "evaluate";

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint directory, a checkpoints directory (its newest), or a run directory.")
    Path checkpoint;

    @Option(names = "--split", defaultValue = "test", description = "test or val (default: ${DEFAULT-VALUE}).")
    String split;

    @Mixin
    JsonOutput json;

    @Option(names = "--tta-shift", defaultValue = "0", paramLabel = "PIXELS",
            description = {"Test-time augmentation (images): average the class probabilities over every shift of up to "
                + "PIXELS in each direction, 0 to " + TestTimeViews.MAX_SHIFT + " (default: ${DEFAULT-VALUE}, none).",
                "Use the training spec's RandomCrop padding."})
    int ttaShift;

    @Option(names = "--tta-flip", description = "Test-time augmentation (images): also average over each view mirrored "
            + "left–right. Use when the training spec flips.")
    boolean ttaFlip;

    @Override
    public Integer call() throws Exception {
        json.check();
        Path dir = locate(checkpoint);
        if (!List.of("test", "val").contains(split)) {
            throw new UsageException("--split must be test or val, got " + split);
        }
        TestTimeViews views;
        try {
            views = new TestTimeViews(ttaFlip, ttaShift);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tta-shift: " + e.getMessage());
        }
        Checkpoint.Loaded loaded = Checkpoint.load(dir);
        Checkpoint.State state = loaded.state();
        if (views.any() && !(state.features() instanceof ImageFeatures)) {
            throw new UsageException("--tta-shift and --tta-flip apply to image models; " + dir + " takes "
                    + state.features().describe());
        }
        Topics topics = topics(state);
        String topic = "test".equals(split) ? topics.preparedTest() : topics.preparedVal();
        kafka.connect(Duration.ofSeconds(10)).close(); // an unreachable broker is one clear line, not a silent wait
        System.err.println("evaluating " + dir + " (step " + state.step() + ") on " + topic
                + (views.any() ? " with test-time augmentation, " + views : "") + "…");
        Evaluator.Evaluation result;
        try (DeadLetterWriter deadLetters = DeadLetterWriter.open(kafka.clientProperties(), topics, STAGE)) {
            result = new Evaluator(kafka.clientProperties(), state.dataset(), state.features(), state.classes().size(),
                    Duration.ofMinutes(10), views, state.statsVersion(), deadLetters::reject).evaluate(topic, loaded.net());
        }
        if (result.total() == 0) {
            String flags = kafka.commandFlags() + (kafka.topicPrefixGiven() || topics.prefix().isEmpty() ? ""
                    : " --topic-prefix " + topics.prefix());
            throw new UsageException(EmptySplit.explain(kafka.clientProperties(), topics, state.dataset(), Split.parse(split),
                    topic, !(state.features() instanceof ImageFeatures), flags));
        }
        print(System.out, state.classes(), result);
        if (result.skipped() > 0) {
            System.err.println(result.skipped() + " record(s) of " + topic + " could not be scored; their dead letters,"
                    + " with the reason, are on " + topics.dlq());
        }
        if (json.file() != null) {
            Map<String, Object> out = toMap(dir, state, split, result);
            Map<String, Object> viewed = new LinkedHashMap<>();
            viewed.put("shift", views.shift());
            viewed.put("flip", views.flip());
            viewed.put("views", views.count());
            out.put("test_time_views", viewed);
            json.write(out);
        }
        return 0;
    }

    /**
     * The topics to read: those the checkpoint trained on (its provenance), unless
     * {@code --topic-prefix} or {@code STREAMAUG_TOPIC_PREFIX} says otherwise.
     */
    private Topics topics(Checkpoint.State state) {
        if (kafka.topicPrefixGiven()) {
            return kafka.topics();
        }
        Topics trained = Topics.ofAugmentedTrain(state.provenance() != null ? state.provenance().topic() : state.topic());
        return trained != null ? trained : kafka.topics();
    }

    static Path locate(Path path) {
        if (!Files.exists(path)) {
            throw new UsageException("checkpoint " + path + " does not exist");
        }
        Path dir = Checkpoint.resolve(path);
        if (dir == null) {
            dir = Checkpoint.resolve(path.resolve("checkpoints"));
        }
        if (dir == null) {
            throw new UsageException(path + " holds no checkpoint (expected step-NNNNNNNNN/state.json, a checkpoints "
                    + "directory or a run directory)");
        }
        return dir;
    }

    public static Map<String, Object> toMap(Path dir, Checkpoint.State state, String split, Evaluator.Evaluation r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkpoint", dir.toString());
        out.put("step", state.step());
        out.put("split", split);
        out.put("samples", r.total());
        out.put("skipped", r.skipped());
        out.put("accuracy", r.accuracy());
        out.put("loss", r.loss());
        Map<String, Double> perClass = new LinkedHashMap<>();
        double[] acc = r.perClassAccuracy();
        for (int c = 0; c < acc.length; c++) {
            perClass.put(state.classes().get(c), acc[c]);
        }
        out.put("per_class_accuracy", perClass);
        out.put("classes", state.classes());
        out.put("confusion", r.confusion());
        return out;
    }

    public static void print(PrintStream out, List<String> classes, Evaluator.Evaluation r) {
        out.printf("accuracy %.4f (%d/%d), loss %.4f%s%n", r.accuracy(), r.correct(), r.total(), r.loss(),
                r.skipped() > 0 ? ", " + r.skipped() + " skipped" : "");
        int width = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
        out.println("per-class accuracy:");
        double[] acc = r.perClassAccuracy();
        for (int c = 0; c < classes.size(); c++) {
            out.printf("  %-" + width + "s %.4f%n", classes.get(c), acc[c]);
        }
        out.println("confusion matrix (rows: true class, columns: predicted):");
        StringBuilder header = new StringBuilder(String.format("  %-" + (width + 4) + "s", ""));
        for (int c = 0; c < classes.size(); c++) {
            header.append(String.format(" %6s", "[" + c + "]"));
        }
        out.println(header);
        for (int t = 0; t < classes.size(); t++) {
            StringBuilder row = new StringBuilder(String.format("  %-" + (width + 4) + "s", "[" + t + "] " + classes.get(t)));
            for (int p = 0; p < classes.size(); p++) {
                row.append(String.format(" %6d", r.confusion()[t][p]));
            }
            out.println(row);
        }
    }
}
