/**
 * What a run is configured with: {@link io.streamaug.trainer.config.TrainConfig} (defaults, {@code
 * STREAMAUG_TRAIN_*} environment, YAML and {@code key=value} overrides, validated) and the picocli
 * flags that set it, {@link io.streamaug.trainer.config.RecipeOptions}.
 */
package io.streamaug.trainer.config;
