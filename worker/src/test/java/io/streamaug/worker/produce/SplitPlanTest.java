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
}
