package io.streamaug.trainer.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.IdxImages;
import io.streamaug.trainer.config.TrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The first sanity check on real Fashion-MNIST batches: quiet for a sound model, loud for a broken one. */
class InitialLossCheckTest {
    private static final List<PreparedSample> BATCH = normalised(32);

    @Test
    void theDefaultRecipeIsNotFlagged() {
        assertThat(TrainConfig.defaults().effectiveNorm()).isEqualTo(TrainConfig.Norm.BATCH);
        assertThat(verdict(TrainConfig.defaults(), 1)).contains("as expected").doesNotContain("WARNING");
    }

    @Test
    void aNormalisedModelAtAnyBatchSizeAndSmoothingIsNotFlagged() {
        Map<String, String> verdicts = new TreeMap<>();
        for (String norm : List.of("layer", "batch", "none")) {
            for (String batch : List.of("1", "32")) {
                for (String smoothing : List.of("0", "0.1")) {
                    if (norm.equals("none") && batch.equals("32")) {
                        continue; // unnormalised He layers start near 1.7·ln(C), and the check says so
                    }
                    TrainConfig config = TrainConfig.defaults().with(Map.of("norm", norm, "batch_size", batch,
                            "label_smoothing", smoothing));
                    verdicts.put(norm + "/" + batch + "/" + smoothing, verdict(config, 1));
                }
            }
        }
        assertThat(verdicts).hasSize(10).allSatisfy((config, verdict) -> assertThat(verdict).doesNotContain("WARNING"));
    }

    @Test
    void anOverscaledInitialisationIsFlagged() {
        assertThat(verdict(TrainConfig.defaults(), 10)).contains("WARNING far from ln(C)");
        assertThat(verdict(TrainConfig.defaults().with(Map.of("norm", "none")), 10)).contains("WARNING");
        assertThat(verdict(TrainConfig.defaults().with(Map.of("batch_size", "1")), 10)).contains("WARNING");
    }

    /** The check's verdict on the first step of a fresh model whose parameters are multiplied by {@code scale}. */
    private static String verdict(TrainConfig config, double scale) {
        List<PreparedSample> batch = BATCH.subList(0, config.optimiser().batchSize());
        try (Learner learner = Learner.create(config, 10, batch.get(0))) {
            learner.network().params().muli(scale);
            Learner.Step step = learner.step(batch, true, false);
            return Learner.initialLossCheck(step.loss(), step.initialLoss(), 10, batch.size());
        }
    }

    private static List<PreparedSample> normalised(int count) {
        IdxImages train = FashionMnist.load(null, true, count).train();
        int size = train.height() * train.width();
        List<PreparedSample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] pixels = Arrays.copyOfRange(train.pixels(), i * size, (i + 1) * size);
            Tensor tensor = Tensor.uint8(1, train.height(), train.width(), pixels,
                    new float[] {1f / (255 * FashionMnist.STD)}, new float[] {-FashionMnist.MEAN / FashionMnist.STD});
            out.add(new PreparedSample("fm-" + i, FashionMnist.NAME, Split.TRAIN, 0, 0, 1, tensor, Label.of(train.labels()[i]),
                    List.of()));
        }
        return out;
    }
}
