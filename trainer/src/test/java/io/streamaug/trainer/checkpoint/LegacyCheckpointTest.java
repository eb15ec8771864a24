package io.streamaug.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.BatchBuilder;
import io.streamaug.trainer.features.ImageFeatures;
import io.streamaug.trainer.source.Buffered;
import io.streamaug.trainer.source.RecordSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A checkpoint written by the trainer before its config became nested records (format 1, flat
 * config JSON, no provenance) still loads completely: config, state, model, buffer and best
 * parameters. The fixture was made once with that code: an MLP 16-8-2 over the toy images,
 * five Adam steps of 4 samples, the best parameters taken after step 4, three records buffered.
 */
class LegacyCheckpointTest {
    static Path fixture() throws Exception {
        return Path.of(LegacyCheckpointTest.class.getResource("/checkpoints/v1-mlp/step-000000005/state.json").toURI())
                .getParent();
    }

    @Test
    void aFormatOneCheckpointStillLoadsWithItsConfigStateModelAndBuffer() throws Exception {
        Path dir = fixture();
        assertThat(Checkpoint.resolve(dir.getParent())).isEqualTo(dir);
        Checkpoint.Loaded loaded = Checkpoint.load(dir);
        Checkpoint.State state = loaded.state();
        assertThat(state.format()).isEqualTo(1);
        assertThat(state.step()).isEqualTo(5);
        assertThat(state.samples()).isEqualTo(20);
        assertThat(state.offsets()).isEqualTo(Map.of(0, 23L));
        assertThat(state.statsVersion()).isZero();
        assertThat(state.statsMean()).containsExactly(0.5);
        assertThat(state.classes()).containsExactly("top", "bottom");
        assertThat(state.features()).isEqualTo(new ImageFeatures(1, 4, 4));
        assertThat(state.bestMetric()).isEqualTo(0.25);
        assertThat(state.bestStep()).isEqualTo(4);
        assertThat(state.evalsWithoutImprovement()).isEqualTo(1);
        assertThat(state.trainedCount()).isEqualTo(20);
        assertThat(state.trainedFingerprint()).isEqualTo(12345L);
        assertThat(state.deadLetters()).isEqualTo(2);
        assertThat(state.provenance()).isNull(); // written before checkpoints recorded it

        TrainConfig config = state.trainConfig();
        assertThat(config.toMap()).containsEntry("name", "fixture").containsEntry("dataset", "toy")
                .containsEntry("model", "mlp").containsEntry("hidden", List.of(8)).containsEntry("batch_size", 4)
                .containsEntry("optimizer", "adam").containsEntry("lr", 0.01).containsEntry("norm", "auto")
                .containsEntry("schedule", "none").containsEntry("init", "he").containsEntry("monitor", "loss")
                .containsEntry("patience", 2).containsEntry("seed", 7L);
        assertThat(config.toMap()).isEqualTo(TrainConfig.defaults().with(Map.of("name", "fixture", "dataset", "toy",
                "hidden", "8", "batch_size", "4", "shuffle_buffer", "8", "lr", "1e-2", "dropout", "0", "patience", "2",
                "seed", "7")).toMap());

        float[] params = loaded.net().params().toFloatVector();
        assertThat(params).hasSize(162);
        assertThat(params[0]).isEqualTo(0.5403376f);
        assertThat(params[params.length - 1]).isEqualTo(-0.039612953f);
        float[] best = loaded.bestParams().toFloatVector();
        assertThat(best).hasSize(162);
        assertThat(best[0]).isEqualTo(0.5329306f);
        assertThat(loaded.net().getIterationCount()).isEqualTo(5);

        assertThat(loaded.buffer()).extracting(b -> b.sample().id()).containsExactly("s20", "s21", "s22");
        assertThat(loaded.buffer()).extracting(Buffered::offset).containsExactly(20L, 21L, 22L);

        // The model predicts: a probability row per sample of the toy set.
        List<PreparedSample> samples = Toy.train(4, 5);
        DataSet data = new BatchBuilder(state.features(), 2, 0).build(samples);
        try (INDArray out = loaded.net().output(data.getFeatures(), false)) {
            assertThat(out.rows()).isEqualTo(4);
            assertThat(out.getRow(0).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void aCheckpointWrittenNowCarriesItsProvenanceAndRoundTrips(@TempDir Path root) throws Exception {
        Checkpoint.Loaded old = Checkpoint.load(fixture());
        Checkpoint.State s = old.state();
        Provenance provenance = new Provenance("p.augmented.train", 3, List.of("flip", "rotate"), List.of("light@sha256:00ff"));
        Checkpoint.State now = new Checkpoint.State(Checkpoint.FORMAT, s.topic(), s.step(), s.samples(), s.offsets(),
                s.statsVersion(), s.statsMean(), s.statsStd(), s.dataset(), s.classes(), s.featuriser(), s.config(),
                s.bestMetric(), s.bestStep(), s.evalsWithoutImprovement(), s.shuffleRandomState(), s.trainedCount(),
                s.trainedFingerprint(), s.deadLetters(), provenance);
        Path dir = Checkpoint.write(root, now, old.net(), old.buffer(), old.bestParams());
        Checkpoint.Loaded loaded = Checkpoint.load(dir);
        assertThat(loaded.state().format()).isEqualTo(2);
        assertThat(loaded.state().provenance()).isEqualTo(provenance);
        assertThat(loaded.state().trainConfig()).isEqualTo(s.trainConfig());
        assertThat(loaded.net().params().toFloatVector()).containsExactly(old.net().params().toFloatVector());
        assertThat(loaded.bestParams().toFloatVector()).containsExactly(old.bestParams().toFloatVector());
        RecordSource.Position position = loaded.position();
        assertThat(position.offsets()).isEqualTo(Map.of(0, 23L));
        assertThat(position.buffered()).extracting(Buffered::offset).containsExactly(20L, 21L, 22L);
        assertThat(position.randomState()).isEqualTo(java.util.Base64.getDecoder().decode(s.shuffleRandomState()));
    }
}
