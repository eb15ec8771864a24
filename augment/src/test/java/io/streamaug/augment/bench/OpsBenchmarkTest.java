package io.streamaug.augment.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.ops.ImageOps;
import org.junit.jupiter.api.Test;

/** {@code bench ops} configures every op (building the configurations only; nothing is timed). */
class OpsBenchmarkTest {
    @Test
    void everyRegisteredOpIsBenchmarkedOnGrayAndRgb() {
        for (int[] image : new int[][] {{28, 1}, {224, 3}}) {
            assertThat(OpsBenchmark.opConfigs(image[0], image[1]).keySet()).as("%d×%d", image[0], image[0])
                    .containsExactlyInAnyOrderElementsOf(ImageOps.all().keySet());
        }
    }
}
