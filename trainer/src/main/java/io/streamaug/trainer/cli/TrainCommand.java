package io.streamaug.trainer.cli;

import io.streamaug.core.Decimals;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamaug.core.cli.Commands;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.trainer.config.RecipeOptions;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.OnlineTrainer;
import io.streamaug.trainer.core.OverfitCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import io.streamaug.core.cli.UsageException;
import io.streamaug.kafka.AclRefusal;
import io.streamaug.kafka.PipelineAcls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamaug train}: one trainer consumer (its own consumer group) on the augmented stream. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a DL4J network online from the augmented train topic.",
            "Evaluates on the val topic every --eval-every steps (early stopping with --patience), checkpoints every "
                    + "--checkpoint-every steps and at the end, and resumes from its latest checkpoint exactly where it "
                    + "stopped. Writes RUNS/NAME/{metrics.jsonl,curves.png,run.json,checkpoints/}. Each --name is its own "
                    + "consumer group: several trainers read the same stream."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RecipeOptions recipe;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "${env:STREAMAUG_RUNS:-" + TrainerSetup.DEFAULT_RUNS + "}",
            description = "Directory of runs (default: ${DEFAULT-VALUE}; env STREAMAUG_RUNS).")
    Path runs;

    @Option(names = "--overfit-check", description = "Only check that the model can overfit ~100 samples without "
            + "regularisation (loss → ~0); exit 0 when it can, 1 when not.")
    boolean overfitCheck;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the run's summary as JSON to FILE.")
    Path json;

    @Option(names = "--quiet", description = "No live progress line (log lines only).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        try {
            return train();
        } catch (RuntimeException e) {
            // A refused ACL is one line naming the resource and the operations the trainer needs on it.
            throw AclRefusal.explain(e, PipelineAcls.TRAINER, kafka.topics(), null)
                    .map(line -> (RuntimeException) new UsageException(line)).orElse(e);
        }
    }

    private Integer train() throws Exception {
        TrainConfig config = recipe.load(Map.of());
        TrainerSetup.Dataset dataset = TrainerSetup.dataset(kafka, config.dataset());
        int classes = dataset.info().classes().size();
        if (overfitCheck) {
            OverfitCheck.Result result = OverfitCheck.run(kafka.clientProperties(), kafka.topics(), config, classes, 100,
                    System.err::println);
            System.out.printf("overfit check: loss %.4f → %.4f after %d full-batch steps on %d samples: %s%n",
                    result.firstLoss(), result.finalLoss(), result.steps(), result.samples(), result.passed()
                            ? "PASS (the model can fit its data)"
                            : "FAIL (loss did not reach " + OverfitCheck.PASS_LOSS + ": check the labels, the model and the learning rate)");
            return result.passed() ? 0 : 1;
        }
        OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), kafka.topics(), config,
                TrainerSetup.runDir(runs, config), dataset.info().classes(), dataset.stats(), System.err::println)
                .live(!quiet).command(io.streamaug.core.cli.Commands.typed(spec));
        System.err.println("trainer '" + config.name() + "' reading " + kafka.topics().augmentedTrain() + " (group "
                + config.groupId(kafka.topics()) + ", dataset " + config.dataset() + ", " + classes + " classes, minibatch "
                + config.optimiser().batchSize() + ")");
        // Ctrl-C stops the trainer, which writes its last checkpoint; the JVM waits for that and the summary.
        GracefulStop stop = new GracefulStop(trainer::stop, Duration.ofSeconds(60), "streamaug-train-shutdown");
        try {
            OnlineTrainer.Result result = trainer.run();
            if (result.steps() == 0) {
                System.err.println(nothingTrained(config, result));
                return Commands.EXIT_FAILURE;
            }
            Map<String, Object> summary = summary(config, result);
            summary.forEach((k, v) -> System.out.println(k + ": " + v));
            if (json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), summary);
            }
        } finally {
            stop.close();
        }
        return 0;
    }

    /** Why a run trained no step, in one line. */
    private String nothingTrained(TrainConfig config, OnlineTrainer.Result r) {
        String head = "streamaug train: trainer '" + config.name() + "' trained 0 steps: ";
        if (r.deadLetters() > 0) {
            return head + (r.otherDatasets() == 0 ? "all " : "") + r.deadLetters() + " records it read were rejected to "
                    + kafka.topics().dlq() + (r.otherDatasets() == 0 ? "" : " and " + r.otherDatasets()
                            + " belong to other datasets") + "; the first because " + r.firstRejection();
        }
        if (r.otherDatasets() > 0) {
            return head + "the " + r.otherDatasets() + " records on " + kafka.topics().augmentedTrain()
                    + " belong to other datasets, none to '" + config.dataset() + "'; pass --dataset NAME";
        }
        return head + "no record of dataset '" + config.dataset() + "' came on " + kafka.topics().augmentedTrain()
                + " before it stopped; is a worker running ('./streamaug augment --spec SPEC --dataset " + config.dataset()
                + kafka.commandFlags() + "')?";
    }

    static Map<String, Object> summary(TrainConfig config, OnlineTrainer.Result r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", config.name());
        s.put("command", r.command());
        s.put("model", r.model());
        s.put("records", r.records());
        s.put("steps", r.steps());
        s.put("samples", r.samples());
        s.put("seconds", Decimals.round4(r.seconds()));
        s.put("samples_this_run", r.samplesThisRun()); // a resumed run: without those trained before it
        s.put("samples_per_s", Decimals.round4(r.samplesThisRun() / Math.max(r.seconds(), 1e-9)));
        s.put("data_wait_fraction", Decimals.round4(r.dataWaitFraction()));
        s.put("first_loss", Decimals.round4(r.firstLoss()));
        s.put("first_loss_cross_entropy", Decimals.round4(r.initialLoss()));
        s.put("last_loss", Decimals.round4(r.lastLoss()));
        if (r.finalVal() != null) {
            s.put("val_loss", Decimals.round4(r.finalVal().loss()));
            s.put("val_accuracy", Decimals.round4(r.finalVal().accuracy()));
            s.put("val_samples", r.finalVal().total());
        }
        if (r.bestMetric() != null) {
            s.put("best_val_" + config.validation().monitor(), Decimals.round4(r.bestMetric()));
            s.put("best_step", r.bestStep());
        }
        s.put("stopped_early", r.stoppedEarly());
        s.put("dead_letters", r.deadLetters());
        s.put("checkpoint", String.valueOf(r.checkpoint()));
        s.put("metrics", String.valueOf(r.metrics()));
        s.put("curves", String.valueOf(r.curves()));
        return s;
    }
}
