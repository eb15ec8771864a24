package io.streamaug.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer benchmark's own machinery (its figures come from `bench trainer`, not from here). */
class TrainerBenchTest {

    @Test
    void measuresStepsAndTheirParts() {
        assertThat(TrainerBench.samplesPerSecond(8, 1, 0.2)).isPositive();
        Map<String, Double> parts = TrainerBench.breakdown(1, 0.2);
        assertThat(parts).containsOnlyKeys("batch_copy_us", "forward_us", "step_sgd_us", "step_adam_us");
        // A training step does a forward pass and more; the copy alone is the cheapest part.
        assertThat(parts.get("step_sgd_us")).isGreaterThan(parts.get("forward_us"));
        assertThat(parts.get("batch_copy_us")).isLessThan(parts.get("forward_us"));
    }
}
