package io.streamaug.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.core.cli.ConfigException;
import io.streamaug.trainer.config.TrainConfig.Norm;
import io.streamaug.trainer.model.LrSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {

    @Test
    void flagsWinOverTheFileWhichWinsOverTheEnvironment(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("t.yaml"), "lr: 0.01\nhidden: [64, 32]\noptimizer: adamw\nbatch_size: 8\n");
        TrainConfig config = TrainConfig.load(TrainConfig.fromEnvironment(Map.of("STREAMAUG_TRAIN_LR", "0.5",
                "STREAMAUG_TRAIN_DROPOUT", "0.3", "UNRELATED", "x")), yaml, Map.of("batch_size", "16"));
        assertThat(config.optimiser().lr()).isEqualTo(0.01); // file over environment
        assertThat(config.regularisation().dropout()).isEqualTo(0.3); // environment over default
        assertThat(config.optimiser().batchSize()).isEqualTo(16); // flag over file
        assertThat(config.model().hidden()).containsExactly(64, 32);
        assertThat(config.optimiser().kind()).isEqualTo(TrainConfig.Optimizer.ADAMW);
        assertThat(config.regularisation().weightDecay()).isEqualTo(TrainConfig.defaults().regularisation().weightDecay());
        assertThat(TrainConfig.fromJson(config.toJson())).isEqualTo(config);
    }

    @Test
    void aTrainersConsumerGroupIsItsNameInItsPipeline() {
        TrainConfig config = TrainConfig.load(null, Map.of("name", "cnn"));
        assertThat(config.groupId(io.streamaug.kafka.Topics.DEFAULT)).isEqualTo("streamaug-trainer-cnn");
        assertThat(config.groupId(new io.streamaug.kafka.Topics("uxp"))).isEqualTo("uxp.streamaug-trainer-cnn");
    }

    @Test
    void badKeysAndValuesGetOneLineThatNamesThem(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("learning_rate", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown config key 'learning_rate'")
                .hasMessageContaining("lr");
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("batch-size", "1")))
                .hasMessageContaining("did you mean batch_size");
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("batch_size", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'many' is not a valid whole number");
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("dropout", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessage("config key dropout must be in [0, 1), got 1.5")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("dropout");
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("norm", "group")))
                .hasMessageContaining("norm must be auto, layer, batch or none");
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("schedule", "cosine")))
                .hasMessageContaining("> 0 for the cosine schedule");
        Path yaml = Files.writeString(dir.resolve("bad.yaml"), "lr: [unclosed\n");
        assertThatThrownBy(() -> TrainConfig.load(yaml, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not valid YAML");
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "weightdecay: 0.1\n");
        assertThatThrownBy(() -> TrainConfig.load(typo, Map.of())).hasMessageContaining("unknown config key 'weightdecay'")
                .hasMessageContaining(typo.toString());
        assertThatThrownBy(() -> TrainConfig.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void theKeysEnvironmentNamesAndChoicesAreSpelledAsBefore() {
        assertThat(TrainConfig.keys()).containsExactly("name", "dataset", "model", "hidden", "conv_channels", "norm",
                "norm_threshold", "batch_size", "shuffle_buffer", "optimizer", "lr", "momentum", "weight_decay", "l1",
                "dropout", "label_smoothing", "schedule", "warmup_steps", "step_size", "milestones", "gamma", "total_steps",
                "min_lr", "init", "grad_clip", "text_features", "eval_every", "patience", "monitor", "checkpoint_every",
                "max_steps", "max_samples", "idle_timeout", "log_every", "seed");
        TrainConfig config = TrainConfig.load(TrainConfig.fromEnvironment(Map.of("STREAMAUG_TRAIN_OPTIMIZER", "sgd",
                "STREAMAUG_TRAIN_NORM", "batch", "STREAMAUG_TRAIN_SCHEDULE", "cosine", "STREAMAUG_TRAIN_TOTAL_STEPS", "100",
                "STREAMAUG_TRAIN_INIT", "xavier", "STREAMAUG_TRAIN_MONITOR", "accuracy", "STREAMAUG_TRAIN_MODEL", "cnn")),
                null, Map.of());
        assertThat(config.optimiser().kind()).isEqualTo(TrainConfig.Optimizer.SGD);
        assertThat(config.model().norm()).isEqualTo(Norm.BATCH);
        assertThat(config.schedule().kind()).isEqualTo(TrainConfig.ScheduleKind.COSINE);
        assertThat(config.model().init()).isEqualTo(TrainConfig.Init.XAVIER);
        assertThat(config.validation().monitor()).isEqualTo(TrainConfig.Monitor.ACCURACY);
        assertThat(config.model().kind()).isEqualTo(TrainConfig.ModelKind.CNN);
        assertThat(config.toMap()).containsEntry("optimizer", "sgd").containsEntry("norm", "batch")
                .containsEntry("schedule", "cosine").containsEntry("init", "xavier").containsEntry("monitor", "accuracy")
                .containsEntry("model", "cnn");
        assertThat(config.toJson()).contains("\"optimizer\":\"sgd\"").contains("\"total_steps\":100");
        assertThat(TrainConfig.defaults().toMap()).containsEntry("seed", 42L).containsEntry("hidden", List.of(256, 128))
                .hasSize(35);
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("optimizer", "Adam"))).isInstanceOf(ConfigException.class)
                .hasMessage("config key optimizer must be adam, adamw or sgd, got Adam");
        assertThatThrownBy(() -> TrainConfig.load(null, Map.of("min_lr", "1"))).isInstanceOf(ConfigException.class)
                .hasMessage("config key min_lr must be in [0, lr], got 1.0");
    }

    @Test
    void autoNormIsLayerNormBelowTheThresholdOrOnlineAndBatchNormAbove() {
        TrainConfig base = TrainConfig.defaults();
        assertThat(base.with(Map.of("batch_size", "1")).effectiveNorm()).isEqualTo(Norm.LAYER);
        assertThat(base.with(Map.of("batch_size", "31")).effectiveNorm()).isEqualTo(Norm.LAYER);
        assertThat(base.with(Map.of("batch_size", "32")).effectiveNorm()).isEqualTo(Norm.BATCH);
        assertThat(base.with(Map.of("batch_size", "128", "norm_threshold", "256")).effectiveNorm()).isEqualTo(Norm.LAYER);
        assertThat(base.with(Map.of("batch_size", "1", "norm", "batch")).effectiveNorm()).isEqualTo(Norm.BATCH);
        assertThat(base.with(Map.of("norm", "none")).effectiveNorm()).isEqualTo(Norm.NONE);
    }

    @Test
    void schedulesWarmUpLinearlyThenDecayAsNamed() {
        LrSchedule warm = new LrSchedule("none", 1e-3, 10, 1, null, 0.1, 0, 0);
        assertThat(warm.at(0)).isCloseTo(1e-4, within(1e-12));
        assertThat(warm.at(4)).isCloseTo(5e-4, within(1e-12));
        assertThat(warm.at(9)).isCloseTo(1e-3, within(1e-12));
        assertThat(warm.at(5000)).isEqualTo(1e-3);

        LrSchedule step = new LrSchedule("step", 1.0, 0, 100, null, 0.5, 0, 0);
        assertThat(List.of(step.at(0), step.at(99), step.at(100), step.at(250))).containsExactly(1.0, 1.0, 0.5, 0.25);

        LrSchedule multi = new LrSchedule("multistep", 1.0, 0, 1, new int[] {300, 100}, 0.1, 0, 0);
        assertThat(multi.at(99)).isEqualTo(1.0);
        assertThat(multi.at(100)).isCloseTo(0.1, within(1e-12));
        assertThat(multi.at(300)).isCloseTo(0.01, within(1e-12));

        LrSchedule cosine = new LrSchedule("cosine", 1.0, 100, 1, null, 0.1, 1100, 0.1);
        assertThat(cosine.at(99)).isCloseTo(1.0, within(1e-12));
        assertThat(cosine.at(100)).isCloseTo(1.0, within(1e-12));
        assertThat(cosine.at(600)).isCloseTo(0.55, within(1e-12)); // half-way: the mean of max and min
        assertThat(cosine.at(1100)).isCloseTo(0.1, within(1e-12));
        assertThat(cosine.at(5000)).isCloseTo(0.1, within(1e-12));
        assertThat(cosine.clone()).isEqualTo(cosine);
    }
}
