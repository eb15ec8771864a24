package io.streamaug.trainer.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a trainer run is: model, normalisation, the regularisation recipe, optimiser and
 * schedule, evaluation, checkpoints and stopping. Built from defaults, then a YAML file, then
 * {@code key=value} overrides (flags and sweep grids), in that order of precedence. Keys are the
 * snake_case names of the components, as in {@code docs/trainer.md}.
 */
public record TrainConfig(
        String name,
        String dataset,
        String model,
        List<Integer> hidden,
        List<Integer> convChannels,
        String norm,
        int normThreshold,
        int batchSize,
        int shuffleBuffer,
        String optimizer,
        double lr,
        double momentum,
        double weightDecay,
        double l1,
        double dropout,
        double labelSmoothing,
        String schedule,
        int warmupSteps,
        int stepSize,
        List<Integer> milestones,
        double gamma,
        int totalSteps,
        double minLr,
        String init,
        double gradClip,
        int textFeatures,
        int evalEvery,
        int patience,
        String monitor,
        int checkpointEvery,
        long maxSteps,
        long maxSamples,
        int idleTimeout,
        int logEvery,
        long seed) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The defaults: a modern recipe for Fashion-MNIST-sized images (see docs/trainer.md). */
    public static TrainConfig defaults() {
        return new TrainConfig("default", "fashion-mnist", "mlp", List.of(256, 128), List.of(32, 64), "auto", 32, 32,
                2048, "adam", 1e-3, 0.9, 1e-4, 0, 0.1, 0.1, "none", 0, 1000, List.of(), 0.1, 0, 0, "he", 0, 1 << 14,
                500, 0, "loss", 500, 0, 0, 0, 50, 42);
    }

    public TrainConfig {
        hidden = List.copyOf(hidden);
        convChannels = List.copyOf(convChannels);
        milestones = List.copyOf(milestones);
        check(name != null && name.matches("[A-Za-z0-9._-]+"), "name", name, "letters, digits, '.', '_' or '-'");
        check(dataset != null && !dataset.isBlank(), "dataset", dataset, "a dataset name");
        check(List.of("mlp", "cnn", "text").contains(model), "model", model, "mlp, cnn or text");
        check(!hidden.isEmpty() && hidden.stream().allMatch(h -> h > 0), "hidden", hidden, "positive layer sizes");
        check(!convChannels.isEmpty() && convChannels.stream().allMatch(h -> h > 0), "conv_channels", convChannels,
                "positive channel counts");
        check(List.of("auto", "layer", "batch", "none").contains(norm), "norm", norm, "auto, layer, batch or none");
        check(normThreshold >= 1, "norm_threshold", normThreshold, "≥ 1");
        check(batchSize >= 1, "batch_size", batchSize, "≥ 1");
        check(shuffleBuffer >= 1, "shuffle_buffer", shuffleBuffer, "≥ 1 (1 = no shuffling)");
        check(List.of("adam", "adamw", "sgd").contains(optimizer), "optimizer", optimizer, "adam, adamw or sgd");
        check(lr > 0 && Double.isFinite(lr), "lr", lr, "> 0");
        check(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)");
        check(weightDecay >= 0, "weight_decay", weightDecay, "≥ 0");
        check(l1 >= 0, "l1", l1, "≥ 0");
        check(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
        check(labelSmoothing >= 0 && labelSmoothing < 1, "label_smoothing", labelSmoothing, "in [0, 1)");
        check(List.of("none", "step", "multistep", "cosine").contains(schedule), "schedule", schedule,
                "none, step, multistep or cosine");
        check(warmupSteps >= 0, "warmup_steps", warmupSteps, "≥ 0");
        check(stepSize >= 1, "step_size", stepSize, "≥ 1");
        check(milestones.stream().allMatch(m -> m > 0), "milestones", milestones, "positive step numbers");
        check(gamma > 0 && gamma <= 1, "gamma", gamma, "in (0, 1]");
        check(totalSteps >= 0, "total_steps", totalSteps, "≥ 0 (0 = max_steps)");
        check(!"cosine".equals(schedule) || totalSteps > 0 || maxSteps > 0, "total_steps", totalSteps,
                "> 0 for the cosine schedule (or set max_steps)");
        check(minLr >= 0 && minLr <= lr, "min_lr", minLr, "in [0, lr]");
        check(List.of("he", "xavier").contains(init), "init", init, "he or xavier");
        check(gradClip >= 0, "grad_clip", gradClip, "≥ 0 (0 = off)");
        check(textFeatures >= 16, "text_features", textFeatures, "≥ 16");
        check(evalEvery >= 0, "eval_every", evalEvery, "≥ 0 (0 = only at the end)");
        check(patience >= 0, "patience", patience, "≥ 0 (0 = no early stopping)");
        check(List.of("loss", "accuracy").contains(monitor), "monitor", monitor, "loss or accuracy");
        check(checkpointEvery >= 0, "checkpoint_every", checkpointEvery, "≥ 0 (0 = only at the end)");
        check(maxSteps >= 0, "max_steps", maxSteps, "≥ 0 (0 = no limit)");
        check(maxSamples >= 0, "max_samples", maxSamples, "≥ 0 (0 = no limit)");
        check(idleTimeout >= 0, "idle_timeout", idleTimeout, "≥ 0 seconds (0 = wait for more)");
        check(logEvery >= 1, "log_every", logEvery, "≥ 1");
    }

    private static void check(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new UsageException("config key " + key + " must be " + expected + ", got " + value);
        }
    }

    /** The normalisation this run uses: {@code auto} is layer norm below the threshold or online, else batch norm. */
    public String effectiveNorm() {
        if (!"auto".equals(norm)) {
            return norm;
        }
        return batchSize == 1 || batchSize < normThreshold ? "layer" : "batch";
    }

    /** The consumer group of this trainer: one per name, so trainers read the same stream independently. */
    public String groupId() {
        return "streamaug-trainer-" + name;
    }

    /** Steps over which the cosine schedule decays. */
    public long decaySteps() {
        return totalSteps > 0 ? totalSteps : maxSteps;
    }

    /** The same config with regularisation switched off (for the overfit check). */
    public TrainConfig withoutRegularisation() {
        return with(Map.of("weight_decay", "0", "l1", "0", "dropout", "0", "label_smoothing", "0", "schedule", "none",
                "warmup_steps", "0"));
    }

    /** Prefix of the environment variables that set config keys, e.g. {@code STREAMAUG_TRAIN_LR}. */
    public static final String ENV_PREFIX = "STREAMAUG_TRAIN_";

    /** Config keys set by environment variables ({@code STREAMAUG_TRAIN_<KEY>}, upper case). */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : keys()) {
            String value = env.get(ENV_PREFIX + key.toUpperCase(java.util.Locale.ROOT));
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
        ObjectNode tree = JSON.valueToTree(defaults());
        for (var e : env.entrySet()) {
            tree.set(e.getKey(), parseValue(tree.get(e.getKey()), e.getValue()));
        }
        if (yaml != null) {
            JsonNode file;
            try {
                file = YAML.readTree(Files.readString(yaml));
            } catch (NoSuchFileException e) {
                throw new UsageException("config file " + yaml + " does not exist");
            } catch (IOException e) {
                throw new UsageException("config file " + yaml + " is not valid YAML: " + firstLine(e.getMessage()));
            }
            if (file != null && !file.isNull() && !file.isMissingNode()) {
                if (!file.isObject()) {
                    throw new UsageException("config file " + yaml + " must be a mapping of keys to values");
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
        return withOverrides(JSON.valueToTree(this), overrides);
    }

    private static TrainConfig withOverrides(ObjectNode tree, Map<String, String> overrides) {
        for (var e : overrides.entrySet()) {
            requireKnown(tree, e.getKey(), "override");
            tree.set(e.getKey(), parseValue(tree.get(e.getKey()), e.getValue()));
        }
        try {
            return JSON.treeToValue(tree, TrainConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new UsageException("unknown config key " + e.getPropertyName());
        } catch (InvalidFormatException e) {
            String key = e.getPath().isEmpty() ? "?" : e.getPath().get(0).getFieldName();
            throw new UsageException("config key " + key + " has a value of the wrong type: " + e.getValue());
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof UsageException usage) {
                throw usage;
            }
            throw new UsageException("bad config: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** The config as snake_case key → value, for checkpoints, metrics and reports. */
    public Map<String, Object> toMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(this, LinkedHashMap.class);
        return map;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainConfig fromJson(String json) {
        try {
            return JSON.readValue(json, TrainConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable trainer config: " + firstLine(e.getOriginalMessage()), e);
        }
    }

    /** The config keys, in declaration order. */
    public static List<String> keys() {
        List<String> keys = new ArrayList<>();
        JSON.valueToTree(defaults()).fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static void requireKnown(ObjectNode tree, String key, String where) {
        if (!tree.has(key)) {
            String hint = key.contains("-") && tree.has(key.replace('-', '_')) ? " (did you mean " + key.replace('-', '_') + "?)" : "";
            throw new UsageException("unknown config key '" + key + "' in " + where + hint + "; known keys: "
                    + String.join(", ", keys()));
        }
    }

    /** Parses a string override by the type of the key's current value (lists are comma-separated). */
    private static JsonNode parseValue(JsonNode current, String text) {
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
            throw new UsageException("'" + text + "' is not a valid " + (current.isArray() ? "list of integers"
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
