package io.streamaug.trainer.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The trainer's configuration flags, shared by {@code train} and {@code sweep}: a YAML file, the
 * common keys as flags, and {@code --set key=value} for any key. Flags win over the file, the file
 * over {@code STREAMAUG_TRAIN_*} environment variables, those over the defaults.
 */
public final class RecipeOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML file of trainer settings (keys: see docs/trainer.md).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any config key, e.g. --set warmup_steps=200 (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--name", description = "Trainer name: its consumer group and run directory (default: default). "
            + "A sweep names its trainers NAME-1, NAME-2, … (default for sweep: sweep-1, sweep-2, …).")
    String name;

    @Option(names = "--dataset", description = "Dataset to learn (default: fashion-mnist).")
    String dataset;

    @Option(names = "--model", description = "mlp, cnn or text (default: mlp).")
    String model;

    @Option(names = "--hidden", split = ",", description = "Hidden layer sizes (default: 256,128).")
    List<Integer> hidden;

    @Option(names = "--norm", description = "auto, layer, batch or none (default: auto = layer norm below minibatch 32).")
    String norm;

    @Option(names = "--batch-size", description = "Minibatch size, 1 or more (default: 32).")
    Integer batchSize;

    @Option(names = "--shuffle-buffer", description = "Shuffle buffer size (default: 2048).")
    Integer shuffleBuffer;

    @Option(names = "--optimizer", description = "adam, adamw or sgd (default: adam).")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate (default: 1e-3).")
    Double lr;

    @Option(names = "--weight-decay", description = "Weight decay (default: 1e-4).")
    Double weightDecay;

    @Option(names = "--dropout", description = "Dropout rate of hidden activations (default: 0.1).")
    Double dropout;

    @Option(names = "--label-smoothing", description = "Label smoothing of hard labels (default: 0.1).")
    Double labelSmoothing;

    @Option(names = "--schedule", description = "none, step, multistep or cosine (default: none).")
    String schedule;

    @Option(names = "--max-steps", description = "Stop after this many steps (default: no limit).")
    Long maxSteps;

    @Option(names = "--max-samples", description = "Stop after this many samples (default: no limit).")
    Long maxSamples;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Finish when no record arrives for this long (default: 0 = wait for more; Ctrl-C checkpoints and stops).")
    Integer idleTimeout;

    @Option(names = "--eval-every", description = "Evaluate on the val topic every N steps (default: 500).")
    Integer evalEvery;

    @Option(names = "--patience", description = "Early stopping after N evaluations without improvement (default: 0 = off).")
    Integer patience;

    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps (default: 500).")
    Integer checkpointEvery;

    @Option(names = "--seed", description = "Seed of initialisation and shuffling (default: 42).")
    Long seed;

    /** The flags given, as config key → value (the {@code --set} ones last). */
    public Map<String, String> overrides() {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "name", name);
        put(out, "dataset", dataset);
        put(out, "model", model);
        if (hidden != null) {
            out.put("hidden", String.join(",", hidden.stream().map(String::valueOf).toList()));
        }
        put(out, "norm", norm);
        put(out, "batch_size", batchSize);
        put(out, "shuffle_buffer", shuffleBuffer);
        put(out, "optimizer", optimizer);
        put(out, "lr", lr);
        put(out, "weight_decay", weightDecay);
        put(out, "dropout", dropout);
        put(out, "label_smoothing", labelSmoothing);
        put(out, "schedule", schedule);
        put(out, "max_steps", maxSteps);
        put(out, "max_samples", maxSamples);
        put(out, "idle_timeout", idleTimeout);
        put(out, "eval_every", evalEvery);
        put(out, "patience", patience);
        put(out, "checkpoint_every", checkpointEvery);
        put(out, "seed", seed);
        out.putAll(set);
        return out;
    }

    /** The effective config: defaults, environment, YAML, flags, plus {@code extra} last. */
    public TrainConfig load(Map<String, String> extra) {
        Map<String, String> flags = overrides();
        flags.putAll(extra);
        return TrainConfig.load(TrainConfig.fromEnvironment(System.getenv()), config, flags);
    }

    private static void put(Map<String, String> out, String key, Object value) {
        if (value != null) {
            out.put(key, String.valueOf(value));
        }
    }
}
