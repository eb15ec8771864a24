package io.streamaug.trainer.bench;

import io.streamaug.trainer.config.TrainConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The networks {@code bench trainer} times, each with the default recipe (dropout 0.1, Adam 1e-3 with
 * L2 1e-4, label smoothing 0.1) and its twin in {@code bench/peers/trainer_peer.py} under the same key.
 */
public enum BenchModel {
    /** MLP 784-256-128-10 with layer norm: the default trainer. Its JSON keys carry no model prefix. */
    MLP("mlp", "", List.of(1, 32, 128), Map.of("norm", "layer")),
    /** The same MLP without normalisation, so that each side's cost of the norm shows. */
    MLP_NONORM("mlp-nonorm", "mlp_nonorm_", List.of(32, 128), Map.of("norm", "none")),
    /** The CNN of the accuracy experiments: conv 32-64 3×3, layer norm over (C, H, W), max-pool, dense 256. */
    CNN("cnn", "cnn_", List.of(32, 64),
            Map.of("model", "cnn", "conv_channels", "32,64", "hidden", "256", "norm", "layer")),
    /** The same CNN without normalisation: the cost of the layer norm in each framework. */
    CNN_NONORM("cnn-nonorm", "cnn_nonorm_", List.of(32, 64),
            Map.of("model", "cnn", "conv_channels", "32,64", "hidden", "256", "norm", "none")),
    /** The small-data CNN: conv 16-32, layer norm, dense 64. */
    SMALL_CNN("small-cnn", "small_cnn_", List.of(32, 64),
            Map.of("model", "cnn", "conv_channels", "16,32", "hidden", "64", "norm", "layer"));

    private final String key;
    private final String jsonPrefix;
    private final List<Integer> defaultBatchSizes;
    private final Map<String, String> overrides;

    BenchModel(String key, String jsonPrefix, List<Integer> defaultBatchSizes, Map<String, String> overrides) {
        this.key = key;
        this.jsonPrefix = jsonPrefix;
        this.defaultBatchSizes = defaultBatchSizes;
        this.overrides = overrides;
    }

    public String key() {
        return key;
    }

    /** Prefix of this model's JSON keys after the side, e.g. {@code cnn_} in {@code dl4j_cnn_bs32_sps}. */
    public String jsonPrefix() {
        return jsonPrefix;
    }

    public List<Integer> defaultBatchSizes() {
        return defaultBatchSizes;
    }

    /** The trainer's configuration of this model at {@code batchSize}. */
    public TrainConfig config(int batchSize) {
        var values = new java.util.HashMap<>(overrides);
        values.put("batch_size", String.valueOf(batchSize));
        return TrainConfig.defaults().with(values);
    }

    /** The model named {@code key}; else an {@link IllegalArgumentException} listing the names. */
    public static BenchModel of(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model " + key + "; the models are "
                        + Arrays.stream(values()).map(BenchModel::key).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return key;
    }
}
