package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatchesTest {
    /** The definition: P[c, i, j, n, y, x] = x[n, c, y + i − kH/2, x + j − kW/2], zero outside the image. */
    private static float[] gatherByDefinition(float[] x, int n, int c, int h, int w, int kH, int kW) {
        float[] p = new float[c * kH * kW * n * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    for (int e = 0; e < n; e++) {
                        for (int y = 0; y < h; y++) {
                            for (int xo = 0; xo < w; xo++) {
                                int sy = y + i - kH / 2;
                                int sx = xo + j - kW / 2;
                                boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                                p[((((ch * kH + i) * kW + j) * n + e) * h + y) * w + xo] = inside ? x[((e * c + ch) * h + sy) * w + sx] : 0f;
                            }
                        }
                    }
                }
            }
        }
        return p;
    }

    private static float[] random(Random random, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    /**
     * gather is the definition exactly; scatter is its transpose: ⟨gather(x), dp⟩ = ⟨x, scatter(dp)⟩ for
     * every x and dp, checked here on unit vectors x (which makes each input's gradient the sum of the
     * entries of dp its patches hold), over kernels square and not, larger than the image or not.
     */
    @ParameterizedTest
    @CsvSource({"2, 3, 5, 4, 3, 3", "1, 1, 6, 6, 1, 1", "3, 2, 4, 7, 3, 5", "2, 2, 2, 3, 5, 5", "1, 4, 3, 1, 3, 3"})
    void gatherIsTheDefinitionAndScatterItsTranspose(int n, int c, int h, int w, int kH, int kW) {
        Random random = new Random(n * 1000 + c * 100 + h * 10 + w);
        int length = n * c * h * w;
        int patches = c * kH * kW * n * h * w;
        for (int round = 0; round < 5; round++) {
            float[] x = random(random, length);
            float[] p = new float[patches];
            java.util.Arrays.fill(p, Float.NaN); // every entry must be written
            Patches.gather(x, n, c, h, w, kH, kW, p);
            assertThat(p).containsExactly(gatherByDefinition(x, n, c, h, w, kH, kW));

            float[] dp = random(random, patches);
            float[] dx = random(random, length); // overwritten, not added to
            Patches.scatter(dp, n, c, h, w, kH, kW, dx);
            for (int k = 0; k < length; k++) {
                float[] unit = new float[length];
                unit[k] = 1f;
                float[] column = gatherByDefinition(unit, n, c, h, w, kH, kW);
                double expected = 0;
                for (int q = 0; q < patches; q++) {
                    expected += column[q] * dp[q];
                }
                assertThat(dx[k]).as("input %d", k).isCloseTo((float) expected, within(1e-4f));
            }
        }
    }
}
