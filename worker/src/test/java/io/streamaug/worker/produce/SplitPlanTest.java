package io.streamaug.worker.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitPlanTest {

    @Test
    void validationShareIsExactAndReproducibleFromTheSeed() {
        boolean[] a = SplitPlan.validationMask(1000, 0.1, 7);
        boolean[] b = SplitPlan.validationMask(1000, 0.1, 7);
        boolean[] c = SplitPlan.validationMask(1000, 0.1, 8);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(SplitPlan.indices(a, true)).hasSize(100);
    }

    @Test
    void everyEpochIsAFreshPermutationOfTheSameItems() {
        List<Integer> items = IntStream.range(0, 500).boxed().toList();
        int[] e0 = SplitPlan.epochOrder(items, 3, 0);
        int[] e1 = SplitPlan.epochOrder(items, 3, 1);
        assertThat(e0).isNotEqualTo(e1);
        assertThat(SplitPlan.epochOrder(items, 3, 1)).isEqualTo(e1);
        int[] sorted0 = e0.clone();
        int[] sorted1 = e1.clone();
        Arrays.sort(sorted0);
        Arrays.sort(sorted1);
        assertThat(sorted0).isEqualTo(sorted1).isEqualTo(IntStream.range(0, 500).toArray());
    }

    @Test
    void aFilesSplitDependsOnlyOnItsIdAndTheSeed() {
        java.util.Map<io.streamaug.core.Split, Integer> counts = new java.util.EnumMap<>(io.streamaug.core.Split.class);
        for (int i = 0; i < 10_000; i++) {
            io.streamaug.core.Split split = SplitPlan.byHash("cats/img-" + i + ".jpg", 0.1, 0.2, 42);
            assertThat(SplitPlan.byHash("cats/img-" + i + ".jpg", 0.1, 0.2, 42)).isEqualTo(split);
            counts.merge(split, 1, Integer::sum);
        }
        // About the asked shares (binomial: ±3σ is about ±100 and ±120 of 10,000).
        assertThat(counts.get(io.streamaug.core.Split.VAL)).isBetween(900, 1100);
        assertThat(counts.get(io.streamaug.core.Split.TEST)).isBetween(1880, 2120);
        // Another seed moves files; no fractions keep every file in train.
        long moved = IntStream.range(0, 1000).filter(i -> SplitPlan.byHash("f" + i, 0.1, 0.2, 42)
                != SplitPlan.byHash("f" + i, 0.1, 0.2, 43)).count();
        assertThat(moved).isGreaterThan(100);
        assertThat(SplitPlan.byHash("f", 0, 0, 42)).isEqualTo(io.streamaug.core.Split.TRAIN);
        // Growing the test share only moves files into test: val and train files never trade places.
        for (int i = 0; i < 1000; i++) {
            io.streamaug.core.Split small = SplitPlan.byHash("f" + i, 0.0, 0.1, 42);
            io.streamaug.core.Split large = SplitPlan.byHash("f" + i, 0.0, 0.3, 42);
            if (small == io.streamaug.core.Split.TEST) {
                assertThat(large).isEqualTo(io.streamaug.core.Split.TEST);
            }
        }
    }
}
