package io.streamaug.trainer.config;

import io.streamaug.core.cli.HumanNumbers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamaug.core.cli.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a trainer run is: the model, the optimiser, the regularisation recipe, the
 * learning-rate schedule, evaluation and early stopping, and the run's input and output, each a
 * record of its own. Built from defaults, then a YAML file, then {@code key=value} overrides
 * (flags and sweep grids), in that order of precedence. Keys are flat snake_case names, as in
 * {@code docs/trainer.md} (see {@link FlatConfig}); a value that is not allowed raises a
 * {@link ConfigException} naming its key.
 */
public record TrainConfig(String name, String dataset, Model model, Optimiser optimiser, Regularisation regularisation,
        Schedule schedule, Validation validation, Io io, long seed) {

    /** A choice among named values: its key, the lower-case name, is how configs spell it. */
    public interface Choice {
        String name();

        default String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The network's kind ({@code model}). */
    public enum ModelKind implements Choice {
        MLP, CNN, TEXT;

        @Override
        public String toString() {
            return key();
        }
    }

    /** The normalisation ({@code norm}); {@code auto} resolves by {@link #effectiveNorm()}. */
    public enum Norm implements Choice {
        AUTO, LAYER, BATCH, NONE;

        @Override
        public String toString() {
            return key();
        }
    }

    /** The weight initialisation of hidden layers ({@code init}). */
    public enum Init implements Choice {
        HE, XAVIER;

        @Override
        public String toString() {
            return key();
        }
    }

    /** The optimiser ({@code optimizer}). */
    public enum Optimizer implements Choice {
        ADAM, ADAMW, SGD;

        @Override
        public String toString() {
            return key();
        }
    }

    /** The learning-rate schedule's kind ({@code schedule}). */
    public enum ScheduleKind implements Choice {
        NONE, STEP, MULTISTEP, COSINE;

        @Override
        public String toString() {
            return key();
        }
    }

    /** The validation metric early stopping watches ({@code monitor}). */
    public enum Monitor implements Choice {
        LOSS, ACCURACY;

        @Override
        public String toString() {
            return key();
        }

        /** Whether a lower value of this metric is better. */
        public boolean lowerIsBetter() {
            return this == LOSS;
        }
    }

    /** The network: its kind, layer sizes, normalisation, initialisation and text features. */
    public record Model(ModelKind kind, List<Integer> hidden, List<Integer> convChannels, Norm norm, int normThreshold,
            Init init, int textFeatures) {
        public Model {
            check(hidden != null && !hidden.isEmpty() && hidden.stream().allMatch(h -> h > 0), "hidden", hidden,
                    "positive layer sizes");
            check(convChannels != null && !convChannels.isEmpty() && convChannels.stream().allMatch(h -> h > 0),
                    "conv_channels", convChannels, "positive channel counts");
            hidden = List.copyOf(hidden);
            convChannels = List.copyOf(convChannels);
            check(normThreshold >= 1, "norm_threshold", normThreshold, "≥ 1");
            check(textFeatures >= 16, "text_features", textFeatures, "≥ 16");
        }
    }

    /** The optimiser and its minibatch. */
    public record Optimiser(Optimizer kind, double lr, double momentum, double gradClip, int batchSize) {
        public Optimiser {
            check(batchSize >= 1, "batch_size", batchSize, "≥ 1");
            check(lr > 0 && Double.isFinite(lr), "lr", lr, "> 0");
            check(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)");
            check(gradClip >= 0, "grad_clip", gradClip, "≥ 0 (0 = off)");
        }
    }

    /** The regularisation recipe. */
    public record Regularisation(double weightDecay, double l1, double dropout, double labelSmoothing) {
        public Regularisation {
            check(weightDecay >= 0, "weight_decay", weightDecay, "≥ 0");
            check(l1 >= 0, "l1", l1, "≥ 0");
            check(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
            check(labelSmoothing >= 0 && labelSmoothing < 1, "label_smoothing", labelSmoothing, "in [0, 1)");
        }

        static final Regularisation NONE = new Regularisation(0, 0, 0, 0);
    }

    /** The learning-rate schedule (see {@link io.streamaug.trainer.model.LrSchedule}). */
    public record Schedule(ScheduleKind kind, int warmupSteps, int stepSize, List<Integer> milestones, double gamma,
            int totalSteps, double minLr) {
        public Schedule {
            check(warmupSteps >= 0, "warmup_steps", warmupSteps, "≥ 0");
            check(stepSize >= 1, "step_size", stepSize, "≥ 1");
            check(milestones != null && milestones.stream().allMatch(m -> m > 0), "milestones", milestones,
                    "positive step numbers");
            milestones = List.copyOf(milestones);
            check(gamma > 0 && gamma <= 1, "gamma", gamma, "in (0, 1]");
            check(totalSteps >= 0, "total_steps", totalSteps, "≥ 0 (0 = max_steps)");
            check(minLr >= 0, "min_lr", minLr, "in [0, lr]");
        }
    }

    /** Evaluation on the val topic and early stopping. */
    public record Validation(int evalEvery, int patience, Monitor monitor) {
        public Validation {
            check(evalEvery >= 0, "eval_every", evalEvery, "≥ 0 (0 = only at the end)");
            check(patience >= 0, "patience", patience, "≥ 0 (0 = no early stopping)");
        }
    }

    /** The run's input and output: shuffling, limits, checkpoints and logging. */
    public record Io(int shuffleBuffer, int checkpointEvery, long maxSteps, long maxSamples, int idleTimeout, int logEvery) {
        public Io {
            check(shuffleBuffer >= 1, "shuffle_buffer", shuffleBuffer, "≥ 1 (1 = no shuffling)");
            check(checkpointEvery >= 0, "checkpoint_every", checkpointEvery, "≥ 0 (0 = only at the end)");
            check(maxSteps >= 0, "max_steps", maxSteps, "≥ 0 (0 = no limit)");
            check(maxSamples >= 0, "max_samples", maxSamples, "≥ 0 (0 = no limit)");
            check(idleTimeout >= 0, "idle_timeout", idleTimeout, "≥ 0 seconds (0 = wait for more)");
            check(logEvery >= 1, "log_every", logEvery, "≥ 1");
        }

        /** Whether a run at {@code step} having trained {@code samples} has met {@code max_steps} or {@code max_samples}. */
        public boolean limitsReached(long step, long samples) {
            return (maxSteps > 0 && step >= maxSteps) || (maxSamples > 0 && samples >= maxSamples);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The defaults: a modern recipe for Fashion-MNIST-sized images (see docs/trainer.md). */
    public static TrainConfig defaults() {
        return new TrainConfig("default", "fashion-mnist",
                new Model(ModelKind.MLP, List.of(256, 128), List.of(32, 64), Norm.AUTO, 32, Init.HE, 1 << 14),
                new Optimiser(Optimizer.ADAM, 1e-3, 0.9, 0, 32),
                new Regularisation(1e-4, 0, 0.1, 0.1),
                new Schedule(ScheduleKind.NONE, 0, 1000, List.of(), 0.1, 0, 0),
                new Validation(500, 0, Monitor.LOSS),
                new Io(2048, 500, 0, 0, 0, 50),
                42);
    }

    public TrainConfig {
        check(name != null && name.matches("[A-Za-z0-9._-]+"), "name", name, "letters, digits, '.', '_' or '-'");
        check(dataset != null && !dataset.isBlank(), "dataset", dataset, "a dataset name");
        check(schedule.minLr() <= optimiser.lr(), "min_lr", schedule.minLr(), "in [0, lr]");
        check(schedule.kind() != ScheduleKind.COSINE || schedule.totalSteps() > 0 || io.maxSteps() > 0, "total_steps",
                schedule.totalSteps(), "> 0 for the cosine schedule (or set max_steps)");
    }

    private static void check(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new ConfigException(key, "config key " + key + " must be " + expected + ", got " + value);
        }
    }

    /** The choice whose key is {@code value}; else a {@link ConfigException} listing them, e.g. "he or xavier". */
    static <E extends Enum<E> & Choice> E choose(E[] values, String key, String value) {
        List<String> keys = new ArrayList<>();
        for (E e : values) {
            if (e.key().equals(value)) {
                return e;
            }
            keys.add(e.key());
        }
        String expected = String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1);
        throw new ConfigException(key, "config key " + key + " must be " + expected + ", got " + value);
    }

    /** The normalisation this run uses: {@code auto} is layer norm below the threshold or online, else batch norm. */
    public Norm effectiveNorm() {
        if (model.norm() != Norm.AUTO) {
            return model.norm();
        }
        int batchSize = optimiser.batchSize();
        return batchSize == 1 || batchSize < model.normThreshold() ? Norm.LAYER : Norm.BATCH;
    }

    /**
     * The consumer group of this trainer in the pipeline of {@code topics}: one per name, so trainers
     * read the same stream independently, and one per pipeline, so prefixed pipelines never share it.
     */
    public String groupId(io.streamaug.kafka.Topics topics) {
        return topics.name("streamaug-trainer-" + name);
    }

    /** Steps over which the cosine schedule decays. */
    public long decaySteps() {
        return schedule.totalSteps() > 0 ? schedule.totalSteps() : io.maxSteps();
    }

    /** The same config with regularisation switched off (for the overfit check). */
    public TrainConfig withoutRegularisation() {
        return new TrainConfig(name, dataset, model, optimiser, Regularisation.NONE,
                new Schedule(ScheduleKind.NONE, 0, schedule.stepSize(), schedule.milestones(), schedule.gamma(),
                        schedule.totalSteps(), schedule.minLr()), validation, io, seed);
    }

    /** The recipe in one line, for logs: optimiser, rate and schedule, regularisation, minibatch. */
    public String describeRecipe() {
        return String.format("%s lr %s%s, weight decay %s, l1 %s, dropout %s, label smoothing %s, minibatch %d",
                optimiser.kind(), HumanNumbers.format(optimiser.lr()), schedule.kind() == ScheduleKind.NONE ? ""
                        : " (" + schedule.kind() + (schedule.warmupSteps() > 0 ? ", warm-up " + schedule.warmupSteps() : "") + ")",
                HumanNumbers.format(regularisation.weightDecay()), HumanNumbers.format(regularisation.l1()),
                HumanNumbers.format(regularisation.dropout()), HumanNumbers.format(regularisation.labelSmoothing()),
                optimiser.batchSize());
    }

    /** Prefix of the environment variables that set config keys, e.g. {@code STREAMAUG_TRAIN_LR}. */
    public static final String ENV_PREFIX = "STREAMAUG_TRAIN_";

    /** Config keys set by environment variables ({@code STREAMAUG_TRAIN_<KEY>}, upper case). */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : keys()) {
            String value = env.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT));
            if (value != null && !value.isBlank()) {
                out.put(key, value);
            }
        }
        return out;
    }

    /** Loads the defaults overlaid with a YAML file (may be {@code null}) and then the overrides. */
    public static TrainConfig load(Path yaml, Map<String, String> overrides) {
        return load(Map.of(), yaml, overrides);
    }

    /**
     * Loads the defaults, overlaid by {@code env} (from {@link #fromEnvironment}), then the YAML file
     * (may be {@code null}), then {@code overrides} (flags): flags win over the file, the file over
     * the environment.
     */
    public static TrainConfig load(Map<String, String> env, Path yaml, Map<String, String> overrides) {
        ObjectNode tree = JSON.valueToTree(FlatConfig.of(defaults()));
        for (var e : env.entrySet()) {
            tree.set(e.getKey(), parseValue(e.getKey(), tree.get(e.getKey()), e.getValue()));
        }
        if (yaml != null) {
            JsonNode file;
            try {
                file = YAML.readTree(Files.readString(yaml));
            } catch (NoSuchFileException e) {
                throw new ConfigException(null, "config file " + yaml + " does not exist");
            } catch (IOException e) {
                throw new ConfigException(null, "config file " + yaml + " is not valid YAML: " + firstLine(e.getMessage()));
            }
            if (file != null && !file.isNull() && !file.isMissingNode()) {
                if (!file.isObject()) {
                    throw new ConfigException(null, "config file " + yaml + " must be a mapping of keys to values");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = file.fields(); it.hasNext(); ) {
                    var e = it.next();
                    requireKnown(tree, e.getKey(), yaml.toString());
                    tree.set(e.getKey(), e.getValue());
                }
            }
        }
        return withOverrides(tree, overrides);
    }

    /** This config with {@code key=value} overrides applied. */
    public TrainConfig with(Map<String, String> overrides) {
        return withOverrides(JSON.valueToTree(FlatConfig.of(this)), overrides);
    }

    private static TrainConfig withOverrides(ObjectNode tree, Map<String, String> overrides) {
        for (var e : overrides.entrySet()) {
            requireKnown(tree, e.getKey(), "override");
            tree.set(e.getKey(), parseValue(e.getKey(), tree.get(e.getKey()), e.getValue()));
        }
        try {
            return JSON.treeToValue(tree, FlatConfig.class).toConfig();
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(e.getPropertyName(), "unknown config key " + e.getPropertyName());
        } catch (InvalidFormatException e) {
            String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
            throw new ConfigException(key, "config key " + key + " has a value of the wrong type: " + e.getValue());
        } catch (JsonProcessingException e) {
            throw new ConfigException(null, "bad config: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** The config as snake_case key → value, for checkpoints, metrics and reports. */
    public Map<String, Object> toMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(FlatConfig.of(this), LinkedHashMap.class);
        return map;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(FlatConfig.of(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainConfig fromJson(String json) {
        try {
            return JSON.readValue(json, FlatConfig.class).toConfig();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable trainer config: " + firstLine(e.getOriginalMessage()), e);
        }
    }

    /** The config keys, in declaration order. */
    public static List<String> keys() {
        List<String> keys = new ArrayList<>();
        JSON.valueToTree(FlatConfig.of(defaults())).fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static void requireKnown(ObjectNode tree, String key, String where) {
        if (!tree.has(key)) {
            String hint = key.contains("-") && tree.has(key.replace('-', '_')) ? " (did you mean " + key.replace('-', '_') + "?)" : "";
            throw new ConfigException(key, "unknown config key '" + key + "' in " + where + hint + "; known keys: "
                    + String.join(", ", keys()));
        }
    }

    /** Parses a string override by the type of the key's current value (lists are comma-separated). */
    private static JsonNode parseValue(String key, JsonNode current, String text) {
        try {
            if (current.isArray()) {
                String body = text.strip();
                if (body.startsWith("[")) {
                    body = body.substring(1, body.length() - 1);
                }
                var array = JSON.createArrayNode();
                for (String part : body.split(",")) {
                    if (!part.isBlank()) {
                        array.add(Integer.parseInt(part.strip()));
                    }
                }
                return array;
            }
            if (current.isIntegralNumber()) {
                double value = Double.parseDouble(text.strip());
                if (value != Math.rint(value)) {
                    throw new NumberFormatException();
                }
                return JSON.getNodeFactory().numberNode((long) value);
            }
            if (current.isNumber()) {
                return JSON.getNodeFactory().numberNode(Double.parseDouble(text.strip()));
            }
            return JSON.getNodeFactory().textNode(text.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "config key " + key + ": '" + text + "' is not a valid " + (current.isArray() ? "list of integers"
                    : current.isIntegralNumber() ? "whole number" : "number"));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
