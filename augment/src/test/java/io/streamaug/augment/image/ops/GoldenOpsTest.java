package io.streamaug.augment.image.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.augment.SampleRandom;
import io.streamaug.augment.image.BorderMode;
import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.Workspace;
import io.streamaug.augment.image.mix.CutMix;
import io.streamaug.augment.image.mix.MixOp;
import io.streamaug.augment.image.mix.MixUp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** Small hand-checked images through single ops. */
class GoldenOpsTest {
    static {
        OpenCv.load();
    }

    private final Workspace ws = new Workspace();

    @AfterEach
    void release() {
        ws.close();
    }

    static Mat image(int rows, int cols, int... pixels) {
        Mat mat = new Mat(rows, cols, CvType.CV_8UC1);
        byte[] bytes = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            bytes[i] = (byte) pixels[i];
        }
        mat.put(0, 0, bytes);
        return mat;
    }

    static int[] pixels(Mat mat) {
        byte[] bytes = new byte[(int) mat.total() * mat.channels()];
        mat.get(0, 0, bytes);
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }

    @Test
    void flipTwiceIsTheIdentityAndFlipMirrors() {
        Mat src = image(2, 3, 1, 2, 3, 4, 5, 6);
        Mat once = new Mat();
        Mat twice = new Mat();
        HorizontalFlip h = new HorizontalFlip(1);
        h.apply(src, once, new HorizontalFlip.Params(), ws);
        assertThat(pixels(once)).containsExactly(3, 2, 1, 6, 5, 4);
        h.apply(once, twice, new HorizontalFlip.Params(), ws);
        assertThat(pixels(twice)).containsExactly(pixels(src));
        VerticalFlip v = new VerticalFlip(1);
        v.apply(src, once, new VerticalFlip.Params(), ws);
        assertThat(pixels(once)).containsExactly(4, 5, 6, 1, 2, 3);
        v.apply(once, twice, new VerticalFlip.Params(), ws);
        assertThat(pixels(twice)).containsExactly(pixels(src));
    }

    @Test
    void rotateZeroIsTheIdentityAndPositiveAnglesTurnCounterClockwise() {
        Mat src = image(3, 3, 0, 200, 0, 0, 0, 0, 0, 0, 0);
        Rotate rotate = new Rotate(DoubleRange.of(-90, 90), Interpolation.NEAREST, BorderMode.CONSTANT, 0, 1);
        Mat out = new Mat();
        rotate.apply(src, out, new Rotate.Params(0), ws);
        assertThat(pixels(out)).containsExactly(pixels(src));
        // torchvision: rotate(img, 90) moves the top-middle pixel to the left-middle.
        rotate.apply(src, out, new Rotate.Params(90), ws);
        assertThat(pixels(out)).containsExactly(0, 0, 0, 200, 0, 0, 0, 0, 0);
    }

    @Test
    void translateShiftsByWholePixelsAndFillsTheRest() {
        Mat src = image(2, 3, 1, 2, 3, 4, 5, 6);
        Mat out = new Mat();
        new Translate(DoubleRange.of(0, 0), DoubleRange.of(0, 0), BorderMode.CONSTANT, 9, 1)
                .apply(src, out, new Translate.Params(1, 0), ws);
        assertThat(pixels(out)).containsExactly(9, 1, 2, 9, 4, 5);
    }

    @Test
    void paddedCropKeepsTheSizeAndShiftsTheContent() {
        Mat src = image(4, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        RandomCrop crop = new RandomCrop(4, 4, 1, BorderMode.CONSTANT, 0, 1);
        Mat out = new Mat();
        crop.apply(src, out, new RandomCrop.Params(0, 0), ws); // window starts in the padding: shift down-right
        assertThat(out.rows()).isEqualTo(4);
        assertThat(out.cols()).isEqualTo(4);
        assertThat(pixels(out)).containsExactly(0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11);
        crop.apply(src, out, new RandomCrop.Params(1, 1), ws);
        assertThat(pixels(out)).containsExactly(pixels(src));
    }

    @Test
    void randomResizedCropBoxesStayInBoundsAndRespectTheirRanges() {
        RandomResizedCrop crop = new RandomResizedCrop(8, 8, DoubleRange.of(0.08, 1), DoubleRange.of(0.75, 4.0 / 3),
                Interpolation.BILINEAR, 1);
        RandomResizedCrop extreme = new RandomResizedCrop(8, 8, DoubleRange.of(0.9, 1), DoubleRange.of(5, 6),
                Interpolation.BILINEAR, 1);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            for (RandomResizedCrop op : new RandomResizedCrop[] {crop, extreme}) {
                RandomResizedCrop.Params box = op.sample(random, 30, 20, 1);
                assertThat(box.top()).isBetween(0, 30 - box.boxHeight());
                assertThat(box.left()).isBetween(0, 20 - box.boxWidth());
                assertThat(box.boxHeight()).isBetween(1, 30);
                assertThat(box.boxWidth()).isBetween(1, 20);
            }
        }
        // No box of ratio 5..6 and 90 % of a 30×20 image fits: torchvision's fallback is the full width
        // with height width / 5, centred.
        assertThat(extreme.sample(new SplittableRandom(1), 30, 20, 1)).isEqualTo(new RandomResizedCrop.Params(13, 0, 4, 20));
    }

    @Test
    void erasingAreaLiesInItsRange() {
        RandomErasing erasing = new RandomErasing(DoubleRange.of(0.02, 0.2), DoubleRange.of(0.3, 3.3), 0, false, 1);
        SplittableRandom random = new SplittableRandom(5);
        int erased = 0;
        for (int i = 0; i < 10_000; i++) {
            RandomErasing.Params box = erasing.sample(random, 64, 64, 1);
            if (box.height() == 0) {
                continue;
            }
            erased++;
            double share = (double) box.height() * box.width() / (64 * 64);
            // Rounding each side to whole pixels moves the share by at most one row and one column.
            double slack = (box.height() + box.width() + 1.0) / (64 * 64);
            assertThat(share).isBetween(0.02 - slack, 0.2 + slack);
        }
        assertThat(erased).isGreaterThan(9_900);
        Mat src = new Mat(6, 6, CvType.CV_8UC1, Scalar.all(100));
        Mat out = new Mat();
        erasing.apply(src, out, new RandomErasing.Params(1, 2, 2, 3, 0), ws);
        assertThat(java.util.Arrays.stream(pixels(out)).filter(p -> p == 0).count()).isEqualTo(6);
        assertThat(pixels(src)).containsOnly(100);
    }

    @Test
    void mixupWithLambdaOneReturnsTheSample() {
        Mat a = image(1, 3, 10, 20, 30);
        Mat b = image(1, 3, 200, 200, 200);
        Mat out = new Mat();
        MixUp mixup = new MixUp(1);
        mixup.apply(a, b, out, new MixUp.Params(1.0));
        assertThat(pixels(out)).containsExactly(10, 20, 30);
        assertThat(MixOp.mixLabels(new float[] {1, 0}, new float[] {0, 1}, 1.0)).containsExactly(1f, 0f);
        mixup.apply(a, b, out, new MixUp.Params(0.5));
        assertThat(pixels(out)).containsExactly(105, 110, 115);
    }

    @Test
    void cutmixLabelWeightEqualsTheShareOfPixelsTheSampleKeeps() {
        CutMix cutmix = new CutMix(1);
        Mat a = new Mat(20, 30, CvType.CV_8UC1, Scalar.all(0));
        Mat b = new Mat(20, 30, CvType.CV_8UC1, Scalar.all(255));
        Mat out = new Mat();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 500; i++) {
            CutMix.Params params = cutmix.sample(random, 20, 30);
            cutmix.apply(a, b, out, params);
            long fromPartner = java.util.Arrays.stream(pixels(out)).filter(p -> p == 255).count();
            assertThat(cutmix.sampleWeight(params)).isCloseTo(1 - fromPartner / 600.0, within(1e-12));
            float[] label = MixOp.mixLabels(new float[] {1, 0, 0}, new float[] {0, 0, 1}, cutmix.sampleWeight(params));
            assertThat(label[0] + label[2]).isCloseTo(1f, within(1e-6f));
            assertThat((double) label[2]).isCloseTo(fromPartner / 600.0, within(1e-6));
        }
    }

    @Test
    void gaussianNoiseHasMeanZeroAndTheDrawnStandardDeviation() {
        GaussianNoise noise = new GaussianNoise(DoubleRange.of(0.05, 0.05), 1);
        Mat src = new Mat(224, 224, CvType.CV_8UC3, Scalar.all(128));
        Mat out = new Mat();
        noise.apply(src, out, new GaussianNoise.Params(0.05, 99), ws);
        int[] pixels = pixels(out);
        double sum = 0;
        double squares = 0;
        for (int p : pixels) {
            sum += p - 128;
            squares += (p - 128) * (p - 128);
        }
        double mean = sum / pixels.length;
        double sd = Math.sqrt(squares / pixels.length - mean * mean);
        // σ = 0.05 · 255 = 12.75 pixel levels; rounding adds 1/12 of a level² of variance.
        assertThat(mean).isCloseTo(0, within(0.2));
        assertThat(sd).isCloseTo(Math.sqrt(12.75 * 12.75 + 1 / 12.0), within(0.15));
        Mat again = new Mat();
        noise.apply(src, again, new GaussianNoise.Params(0.05, 99), ws);
        assertThat(pixels(again)).containsExactly(pixels);
        noise.apply(src, again, new GaussianNoise.Params(0.05, 100), ws);
        assertThat(pixels(again)).isNotEqualTo(pixels);
    }

    @Test
    void labelSmoothingKeepsASumOfOne() {
        float[] smoothed = MixOp.smooth(new float[] {0, 1, 0, 0}, 0.1);
        assertThat(smoothed).containsExactly(0.025f, 0.925f, 0.025f, 0.025f);
    }

    @Test
    void theAppliedFractionMatchesPOver10kDraws() {
        HorizontalFlip flip = new HorizontalFlip(0.3);
        int applied = 0;
        for (int i = 0; i < 10_000; i++) {
            if (flip.toss(SampleRandom.forSample(1, "id-" + i, 0, 0))) {
                applied++;
            }
        }
        // Binomial(10000, 0.3): sd ≈ 45.8; allow 5 sd.
        assertThat(applied).isBetween(3000 - 230, 3000 + 230);
    }

    @Test
    void meanLambdaIsOneHalfForAlphaOne() {
        MixUp mixup = new MixUp(1.0);
        SplittableRandom random = new SplittableRandom(2);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            double lambda = mixup.sample(random, 1, 1).lambda();
            assertThat(lambda).isBetween(0.0, 1.0);
            sum += lambda;
        }
        // Beta(1, 1) is uniform: sd of the mean ≈ 0.0029; allow 5 sd.
        assertThat(sum / 10_000).isCloseTo(0.5, within(0.015));
    }
}
