package io.streamaug.trainer.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Text;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.eval.Evaluator;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The learner on in-memory batches: no broker. */
class LearnerTest {
    private static final TrainConfig CONFIG = TrainConfig.defaults().with(Map.of("dataset", Toy.DATASET, "hidden", "8",
            "batch_size", "8", "lr", "1e-2", "dropout", "0", "seed", "7"));

    @Test
    void fittingATinySeparableSetReducesTheLossAndScoresIt() {
        List<PreparedSample> train = Toy.train(64, 1);
        List<PreparedSample> val = Toy.train(32, 2);
        try (Learner learner = Learner.create(CONFIG, 2, train.get(0))) {
            assertThat(learner.features()).isEqualTo(new ImageFeatures(1, 4, 4));
            Evaluator.Evaluation before = learner.evaluate(List.of(val));
            Learner.Step first = learner.step(train.subList(0, 8), true, true);
            assertThat(first.initialLoss()).isBetween(0.1, 3.0); // the data loss at initialisation, before the step
            assertThat(first.trainAccuracy()).isBetween(0.0, 1.0);
            assertThat(first.lr()).isEqualTo(1e-2);
            double last = first.loss();
            for (int epoch = 0; epoch < 10; epoch++) {
                for (int b = 0; b < train.size(); b += 8) {
                    last = learner.fit(train.subList(b, b + 8));
                }
            }
            assertThat(last).isLessThan(first.loss() * 0.5);
            Evaluator.Evaluation after = learner.evaluate(List.of(val.subList(0, 16), val.subList(16, 32)));
            assertThat(after.total()).isEqualTo(32);
            assertThat(after.loss()).isLessThan(before.loss());
            assertThat(after.accuracy()).isGreaterThan(0.9);
        }
    }

    @Test
    void aSnapshotRestoresBitIdenticalParameters() {
        List<PreparedSample> train = Toy.train(16, 3);
        try (Learner learner = Learner.create(CONFIG, 2, train.get(0))) {
            learner.fit(train.subList(0, 8));
            float[] kept = learner.network().params().toFloatVector();
            try (INDArray snapshot = learner.snapshot()) {
                learner.fit(train.subList(8, 16));
                assertThat(learner.network().params().toFloatVector()).isNotEqualTo(kept);
                learner.restore(snapshot);
                assertThat(learner.network().params().toFloatVector()).containsExactly(kept);
            }
        }
    }

    @Test
    void theFirstSampleFixesTheInputAndMisfitsAreRefused() {
        PreparedSample image = Toy.sample("a", 0, Split.TRAIN, 0, new Random(1));
        PreparedSample text = new PreparedSample("t", Toy.DATASET, Split.TRAIN, 0, 0, 0, new Text("spam"), Label.of(1), List.of());
        assertThatThrownBy(() -> Learner.create(CONFIG, 2, text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is text");
        try (Learner learner = Learner.create(CONFIG, 2, image)) {
            assertThatThrownBy(() -> learner.check(text)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> learner.check(Toy.sample("b", 3, Split.TRAIN, 0, new Random(1))))
                    .hasMessageContaining("has class 3");
        }
    }
}
