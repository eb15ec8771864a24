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
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.spec.Step;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Small hand-checked images through single ops, and the policy ops against torchvision on crops
 * of real photos (references made by torchvision 0.14, bench/peers/make_policy_fixtures.py).
 */
class GoldenOpsTest {
    private static final Path POLICY_FIXTURES = Path.of("src", "test", "resources", "fixtures", "policy");

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

    /** A fixture as our pipelines hold it: RGB order, or one channel. */
    static Mat fixture(String name) {
        Mat read = Imgcodecs.imread(POLICY_FIXTURES.resolve(name + ".png").toString(), Imgcodecs.IMREAD_UNCHANGED);
        assertThat(read.empty()).as("fixture %s", name).isFalse();
        if (read.channels() == 3) {
            Imgproc.cvtColor(read, read, Imgproc.COLOR_BGR2RGB);
        }
        return read;
    }

    /**
     * Ours against torchvision's functional op on uint8 tensors, at the same fixed parameters, on
     * a 48×64 RGB and a 32×32 grayscale photo crop. Tolerances, per op: the largest difference of
     * one value, the mean absolute difference, and the share of values that differ at all.
     * Colour and tone ops do torchvision's float32 arithmetic and match exactly, as do whole-pixel
     * shifts; the blur and JPEG measured identical too (one level allowed for other float sums or
     * another libjpeg build). Nearest-neighbour shears and rotations differ only where a sample
     * point falls exactly halfway between two pixels (a shear of −0.2 has such ties in every fifth
     * column), which the two libraries round differently: at most 15 % of values (10 % for the
     * rotation), mean ≤ 3 levels. Bilinear perspective differs by
     * OpenCV's fixed-point weights: a few levels on a third of the values, mean ≤ 0.5.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "autocontrast      | rgb  | {op: AutoContrast, p: 1}                               | 0   | 0    | 0",
        "autocontrast      | gray | {op: AutoContrast, p: 1}                               | 0   | 0    | 0",
        "equalize          | rgb  | {op: Equalize, p: 1}                                   | 0   | 0    | 0",
        "equalize          | gray | {op: Equalize, p: 1}                                   | 0   | 0    | 0",
        "invert            | rgb  | {op: Invert, p: 1}                                     | 0   | 0    | 0",
        "invert            | gray | {op: Invert, p: 1}                                     | 0   | 0    | 0",
        "posterize3        | rgb  | {op: Posterize, bits_range: [3, 3]}                    | 0   | 0    | 0",
        "posterize3        | gray | {op: Posterize, bits_range: [3, 3]}                    | 0   | 0    | 0",
        "solarize128       | rgb  | {op: Solarize, threshold_range: [128, 128]}            | 0   | 0    | 0",
        "solarize128       | gray | {op: Solarize, threshold_range: [128, 128]}            | 0   | 0    | 0",
        "brightness1.4     | rgb  | {op: Brightness, factor_range: [1.4, 1.4]}             | 0   | 0    | 0",
        "brightness0.55    | gray | {op: Brightness, factor_range: [0.55, 0.55]}           | 0   | 0    | 0",
        "brightness1.4     | gray | {op: Brightness, factor_range: [1.4, 1.4]}             | 0   | 0    | 0",
        "brightness0.55    | rgb  | {op: Brightness, factor_range: [0.55, 0.55]}           | 0   | 0    | 0",
        "contrast1.6       | rgb  | {op: Contrast, factor_range: [1.6, 1.6]}               | 0   | 0    | 0",
        "contrast0.3       | rgb  | {op: Contrast, factor_range: [0.3, 0.3]}               | 0   | 0    | 0",
        "contrast1.6       | gray | {op: Contrast, factor_range: [1.6, 1.6]}               | 0   | 0    | 0",
        "contrast0.3       | gray | {op: Contrast, factor_range: [0.3, 0.3]}               | 0   | 0    | 0",
        "color1.7          | rgb  | {op: Color, factor_range: [1.7, 1.7]}                  | 0   | 0    | 0",
        "color0.2          | rgb  | {op: Color, factor_range: [0.2, 0.2]}                  | 0   | 0    | 0",
        "color1.7          | gray | {op: Color, factor_range: [1.7, 1.7]}                  | 0   | 0    | 0",
        "color0.2          | gray | {op: Color, factor_range: [0.2, 0.2]}                  | 0   | 0    | 0",
        "sharpness1.9      | rgb  | {op: Sharpness, factor_range: [1.9, 1.9]}              | 0   | 0    | 0",
        "sharpness0.1      | rgb  | {op: Sharpness, factor_range: [0.1, 0.1]}              | 0   | 0    | 0",
        "sharpness1.9      | gray | {op: Sharpness, factor_range: [1.9, 1.9]}              | 0   | 0    | 0",
        "sharpness0.1      | gray | {op: Sharpness, factor_range: [0.1, 0.1]}              | 0   | 0    | 0",
        "shearx0.25        | rgb  | {op: ShearX, shear_range: [0.25, 0.25]}                | 255 | 3    | 0.15",
        "shearx0.25        | gray | {op: ShearX, shear_range: [0.25, 0.25]}                | 255 | 3    | 0.15",
        "sheary-0.2        | gray | {op: ShearY, shear_range: [-0.2, -0.2]}                | 255 | 3    | 0.15",
        "sheary-0.2        | rgb  | {op: ShearY, shear_range: [-0.2, -0.2]}                | 255 | 3    | 0.15",
        "shearx-0.3_fill128 | rgb  | {op: ShearX, shear_range: [-0.3, -0.3], fill: 128}   | 255 | 3    | 0.15",
        "shearx-0.3_fill128 | gray | {op: ShearX, shear_range: [-0.3, -0.3], fill: 128}   | 255 | 3    | 0.15",
        "translatex5       | rgb  | {op: TranslateX, pixels_range: [5, 5]}                 | 0   | 0    | 0",
        "translatex5       | gray | {op: TranslateX, pixels_range: [5, 5]}                 | 0   | 0    | 0",
        "translatey-3      | gray | {op: TranslateY, pixels_range: [-3, -3]}               | 0   | 0    | 0",
        "translatey-3      | rgb  | {op: TranslateY, pixels_range: [-3, -3]}               | 0   | 0    | 0",
        "rotate20          | rgb  | {op: Rotate, angle_range: [20, 20], interpolation: nearest} | 255 | 3 | 0.1",
        "rotate20          | gray | {op: Rotate, angle_range: [20, 20], interpolation: nearest} | 255 | 3 | 0.1",
        "gaussianblur5_1.2 | rgb  | {op: GaussianBlur, kernel_size: 5, sigma_range: [1.2, 1.2]} | 1 | 0.05 | 0.05",
        "gaussianblur5_1.2 | gray | {op: GaussianBlur, kernel_size: 5, sigma_range: [1.2, 1.2]} | 1 | 0.05 | 0.05",
        "grayscale         | rgb  | {op: Grayscale, p: 1}                                  | 0   | 0    | 0",
        "grayscale         | gray | {op: Grayscale, p: 1}                                  | 0   | 0    | 0",
        "jpeg50            | rgb  | {op: JpegQuality, quality_range: [50, 50]}             | 1   | 0.05 | 0.05",
        "jpeg50            | gray | {op: JpegQuality, quality_range: [50, 50]}             | 1   | 0.05 | 0.05",
    })
    void policyOpsMatchTorchvision(String reference, String image, String op, int maxDiff, double meanDiff,
            double differingShare) {
        var spec = new SpecLoader(List.of()).parse("{channels: " + (image.equals("rgb") ? 3 : 1) + ", ops: [" + op + "]}", "golden");
        ImageOp<?> built = ((Step.Op) spec.ops().get(0)).op();
        Mat src = fixture(image);
        Mat out = new Mat();
        built.applyRandom(src, out, new SplittableRandom(1), ws);
        assertMatches(out, fixture(image + "_" + reference + "_torchvision"), maxDiff, meanDiff, differingShare);
    }

    @Test
    void perspectiveMatchesTorchvision() {
        for (String image : List.of("rgb", "gray")) {
            Mat src = fixture(image);
            int w = src.cols() - 1;
            int h = src.rows() - 1;
            List<Integer> corners = List.of(3, 2, Math.min(58, w), Math.min(5, h), Math.min(61, w), Math.min(44, h), 1, Math.min(40, h));
            Mat out = new Mat();
            new Perspective(0.5, Interpolation.BILINEAR, 0, 1).apply(src, out, new Perspective.Params(corners), ws);
            assertMatches(out, fixture(image + "_perspective_torchvision"), 6, 0.5, 0.35);
        }
    }

    @Test
    void channelShuffleMatchesTorchvisionsPermutation() {
        Mat out = new Mat();
        new ChannelShuffle(1).apply(fixture("rgb"), out, new ChannelShuffle.Params(List.of(2, 0, 1)), ws);
        assertMatches(out, fixture("rgb_channels201_torchvision"), 0, 0, 0);
        new ChannelShuffle(1).apply(fixture("gray"), out, new ChannelShuffle.Params(List.of(0)), ws);
        assertMatches(out, fixture("gray_channels201_torchvision"), 0, 0, 0);
    }

    /**
     * The policies' own op application (magnitudes as torchvision's {@code _apply_op} takes them):
     * the shear's halfway ties move a few pixels, and the contrast step's image mean with them,
     * so up to a fifth of the values differ, by one level on average.
     */
    @Test
    void policyStepsApplyMagnitudesAsTorchvision() {
        List<PolicyStep> chain = List.of(new PolicyStep(PolicyOp.SHEAR_Y, 0.12), new PolicyStep(PolicyOp.CONTRAST, -0.45),
                new PolicyStep(PolicyOp.TRANSLATE_X, -7.9));
        for (String image : List.of("rgb", "gray")) {
            Mat out = new Mat();
            PolicyStep.run(chain, fixture(image), out, Interpolation.NEAREST, 0, ws, this);
            assertMatches(out, fixture(image + "_policy_chain_torchvision"), 255, 1, 0.2);
        }
    }

    /**
     * Every policy's op set, signs and magnitude table, bin for bin, against torchvision's
     * {@code _augmentation_space} for a 48×64 image (bench/peers/make_policy_fixtures.py).
     */
    @Test
    void policyMagnitudeTablesAreTorchvisions() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(POLICY_FIXTURES.resolve("magnitude_tables.json").toFile());
        Map<String, List<AugmentationSpace.Entry>> ours = Map.of(
                "RandAugment", AugmentationSpace.randAugment(48, 64),
                "TrivialAugmentWide", AugmentationSpace.trivialAugmentWide(),
                "AutoAugment", java.util.stream.Stream.of(PolicyOp.values()).filter(op -> op != PolicyOp.IDENTITY)
                        .map(op -> AugmentationSpace.autoAugment(op, 48, 64)).toList(),
                "AugMix", AugmentationSpace.augMix(48, 64, true));
        Map<String, Integer> bins = Map.of("RandAugment", 31, "TrivialAugmentWide", 31, "AutoAugment", 10, "AugMix", 10);
        for (var policy : ours.entrySet()) {
            var theirs = json.get(policy.getKey());
            assertThat(policy.getValue()).extracting(e -> e.op().traceName()).as(policy.getKey())
                    .containsExactlyInAnyOrderElementsOf(() -> theirs.fieldNames());
            for (AugmentationSpace.Entry entry : policy.getValue()) {
                var row = theirs.get(entry.op().traceName());
                String what = policy.getKey() + " " + entry.op().traceName();
                assertThat(entry.signed()).as(what).isEqualTo(row.get(row.size() - 1).asBoolean());
                int n = row.size() - 1;
                assertThat(n).as(what).isIn(1, bins.get(policy.getKey()));
                for (int i = 0; i < n; i++) {
                    double mine = entry.at(i, bins.get(policy.getKey()));
                    double expected = row.get(i).asDouble();
                    // torch's tables are float32 (whose last bit depends on its CPU kernel); ours are exact.
                    assertThat(mine).as("%s bin %d", what, i).isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
                    // What the ops use whole — pixels of a translation, bits — is identical.
                    assertThat((int) mine).as("%s bin %d, truncated", what, i).isEqualTo((int) expected);
                }
            }
        }
    }

    /**
     * torchvision's own AugMix forward with its draws scripted (Dirichlet weights, and each chain
     * step's op, bin and sign; bench/peers/make_policy_fixtures.py) against ours with the same
     * draws: the float32 mix truncated to 8 bits is the same.
     */
    @Test
    void augMixMixesAsTorchvision() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(POLICY_FIXTURES.resolve("augmix_draws.json").toFile());
        float imageWeight = (float) json.get("image_and_chains").get(0).asDouble();
        float chainsWeight = (float) json.get("image_and_chains").get(1).asDouble();
        List<Double> weights = new java.util.ArrayList<>();
        json.get("chain_split").forEach(w -> weights.add((double) ((float) w.asDouble() * chainsWeight)));
        AugMix augMix = new AugMix(3, 3, 2, 1, true, Interpolation.BILINEAR, 0, 1);
        for (String image : List.of("rgb", "gray")) {
            Mat src = fixture(image);
            List<AugmentationSpace.Entry> space = AugmentationSpace.augMix(src.rows(), src.cols(), true);
            List<List<PolicyStep>> chains = new java.util.ArrayList<>();
            for (var chain : json.get("chains")) {
                List<PolicyStep> steps = new java.util.ArrayList<>();
                for (var step : chain) {
                    AugmentationSpace.Entry entry = space.stream().filter(e -> e.op().traceName().equals(step.get(0).asText()))
                            .findFirst().orElseThrow();
                    double magnitude = entry.at(step.get(1).asInt(), 10);
                    steps.add(new PolicyStep(entry.op(), entry.signed() && step.get(2).asInt() == 1 ? -magnitude : magnitude));
                }
                chains.add(steps);
            }
            Mat out = new Mat();
            augMix.apply(src, out, new AugMix.Params(imageWeight, weights, chains), ws);
            assertMatches(out, fixture(image + "_augmix_torchvision"), 0, 0, 0);
        }
    }

    private static void assertMatches(Mat ours, Mat theirs, int maxDiff, double meanDiff, double differingShare) {
        assertThat(ours.size()).isEqualTo(theirs.size());
        assertThat(ours.type()).isEqualTo(theirs.type());
        int[] a = pixels(ours);
        int[] b = pixels(theirs);
        int max = 0;
        long sum = 0;
        int differing = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs(a[i] - b[i]);
            max = Math.max(max, d);
            sum += d;
            differing += d > 0 ? 1 : 0;
        }
        assertThat(max).as("largest |ours − torchvision|").isLessThanOrEqualTo(maxDiff);
        assertThat((double) sum / a.length).as("mean |ours − torchvision|").isLessThanOrEqualTo(meanDiff);
        assertThat((double) differing / a.length).as("share of values that differ").isLessThanOrEqualTo(differingShare);
    }
}
