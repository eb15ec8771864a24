package io.streamaug.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.wire.Tensor;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestTimeViewsTest {
    private static final float[] SCALE = {0.02f, 0.03f};
    private static final float[] OFFSET = {-0.8f, -1.1f};

    /** A random 2-channel uint8 image with at least one 0 pixel per channel (Fashion-MNIST's background). */
    private static Tensor image(Random random, int height, int width) {
        byte[] pixels = new byte[2 * height * width];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (1 + random.nextInt(255));
        }
        pixels[random.nextInt(height * width)] = 0;
        pixels[height * width + random.nextInt(height * width)] = 0;
        return Tensor.uint8(2, height, width, pixels, SCALE.clone(), OFFSET.clone());
    }

    /** The workers' RandomCrop by hand: pad with pixel 0, cut at (top, left), then mirror when asked; decoded. */
    private static float[] cropThenFlip(Tensor tensor, int padding, int top, int left, boolean mirror) {
        int h = tensor.height();
        int w = tensor.width();
        byte[] raw = tensor.rawData();
        float[] out = new float[raw.length];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = y + top - padding;
                    int sx = x + left - padding;
                    int q = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0 : raw[c * h * w + sy * w + sx] & 0xff;
                    int tx = mirror ? w - 1 - x : x;
                    out[c * h * w + y * w + tx] = q * SCALE[c] + OFFSET[c];
                }
            }
        }
        return out;
    }

    @Test
    void theViewsAreExactlyTheImagesPaddedCropsAndFlipsCanMake() {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            int shift = 1 + seed % 3;
            boolean flip = seed % 2 == 0;
            Tensor tensor = image(random, 4 + random.nextInt(5), 4 + random.nextInt(5));
            TestTimeViews views = new TestTimeViews(flip, shift);
            assertThat(views.count()).isEqualTo((2 * shift + 1) * (2 * shift + 1) * (flip ? 2 : 1));

            List<float[]> expected = new ArrayList<>();
            for (int top = 0; top <= 2 * shift; top++) {
                for (int left = 0; left <= 2 * shift; left++) {
                    for (boolean mirror : flip ? new boolean[] {false, true} : new boolean[] {false}) {
                        expected.add(cropThenFlip(tensor, shift, top, left, mirror));
                    }
                }
            }
            List<float[]> actual = new ArrayList<>();
            for (int v = 0; v < views.count(); v++) {
                actual.add(view(views, tensor, v));
            }
            assertThat(actual.get(0)).as("view 0 is the image itself, seed %d", seed)
                    .containsExactly(tensor.toNormalisedFloats());
            assertThat(actual).as("seed %d", seed)
                    .usingElementComparator((a, b) -> Arrays.equals(a, b) ? 0 : 1)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void shiftedInPixelsTakeEachChannelsDarkestValue() {
        byte[] pixels = new byte[2 * 9];
        Arrays.fill(pixels, 0, 9, (byte) 50);
        pixels[4] = 20; // channel 0: darkest 20, never 0
        Arrays.fill(pixels, 9, 18, (byte) 90); // channel 1: flat 90
        Tensor tensor = Tensor.uint8(2, 3, 3, pixels, SCALE.clone(), OFFSET.clone());
        TestTimeViews views = new TestTimeViews(false, 1);
        float dark = 20 * SCALE[0] + OFFSET[0];
        float light = 50 * SCALE[0] + OFFSET[0];
        for (int v = 1; v < views.count(); v++) {
            float[] out = view(views, tensor, v);
            // a flat channel stays flat: its fill is its own value, not the code of pixel 0
            assertThat(Arrays.copyOfRange(out, 9, 18)).containsOnly(90 * SCALE[1] + OFFSET[1]);
            // every shift brings in at least one border row or column (3 pixels) of the darkest value, beside the moved centre
            float[] first = Arrays.copyOfRange(out, 0, 9);
            assertThat(first).containsOnly(dark, light);
            int darkCount = 0;
            for (float f : first) {
                darkCount += f == dark ? 1 : 0;
            }
            assertThat(darkCount).as("view %d", v).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void aBatchGetsTheViewOfEachImageWithItsOwnFill() {
        Random random = new Random(3);
        Tensor a = image(random, 5, 6);
        Tensor b = image(random, 5, 6);
        float[] batch = new float[2 * a.elementCount()];
        a.copyNormalisedTo(batch, 0);
        b.copyNormalisedTo(batch, a.elementCount());
        TestTimeViews views = new TestTimeViews(true, 2);
        float[] out = new float[batch.length];
        for (int v = 0; v < views.count(); v++) {
            views.write(batch, out, 2, ImageFeatures.of(a), v);
            assertThat(Arrays.copyOfRange(out, 0, a.elementCount())).containsExactly(view(views, a, v));
            assertThat(Arrays.copyOfRange(out, a.elementCount(), out.length)).containsExactly(view(views, b, v));
        }
    }

    @Test
    void noViewsMeansOneAndBadShiftsOrIndicesAreRefused() {
        assertThat(TestTimeViews.NONE.count()).isEqualTo(1);
        assertThat(TestTimeViews.NONE.any()).isFalse();
        assertThat(new TestTimeViews(true, 0).count()).isEqualTo(2);
        assertThatThrownBy(() -> new TestTimeViews(false, TestTimeViews.MAX_SHIFT + 1))
                .hasMessageContaining("between 0 and " + TestTimeViews.MAX_SHIFT);
        assertThatThrownBy(() -> new TestTimeViews(false, -1)).isInstanceOf(IllegalArgumentException.class);
        Tensor tensor = image(new Random(1), 5, 5);
        assertThatThrownBy(() -> view(new TestTimeViews(true, 1), tensor, 18)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** View {@code index} of one image. */
    private static float[] view(TestTimeViews views, Tensor tensor, int index) {
        float[] out = new float[tensor.elementCount()];
        views.write(tensor.toNormalisedFloats(), out, 1, ImageFeatures.of(tensor), index);
        return out;
    }
}
