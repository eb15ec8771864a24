package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** JPEGs decoded at 1/2, 1/4 or 1/8 when the first op shrinks them that much anyway. */
class ReducedDecodeTest {
    private static final Normalization RGB = new Normalization(new float[3], new float[] {1, 1, 1}, 0);

    private static PipelineSpec spec(String ops) {
        return new SpecLoader(List.of()).parse("{channels: 3, ops: " + ops + ", eval_ops: [{op: Resize, size: 256}, "
                + "{op: CenterCrop, size: 224}]}", "test");
    }

    private static int factor(String ops, long height, long width) {
        return ReducedDecode.forSteps(spec(ops).ops()).factor(height, width, true);
    }

    @Test
    void theFactorIsTheLargestThatLeavesTheOutputsPixelsInTheSmallestBox() {
        // ImageNet's RandomResizedCrop (scale ≥ 0.08) from 1024×768: its smallest box, 0.08 of the
        // area at ratio 3/4, is 217 px wide — already less than 224, so no reduction.
        assertThat(factor("[{op: RandomResizedCrop, size: 224}]", 768, 1024)).isEqualTo(1);
        // From a 12 MP phone photo (4000×3000) the smallest box is 849 × 849·… px: 1/2 leaves ≥ 224.
        assertThat(factor("[{op: RandomResizedCrop, size: 224}]", 3000, 4000)).isEqualTo(2);
        // scale ≥ 0.35 from 1024×768: the smallest box is ≥ 454 px each way, so 1/2 (≥ 227) but not 1/4.
        assertThat(factor("[{op: RandomResizedCrop, size: 224, scale_range: [0.35, 1]}]", 768, 1024)).isEqualTo(2);
        // Resize: the reduced image must still have at least the output's pixels each way.
        assertThat(factor("[{op: Resize, size: 224}]", 768, 1024)).isEqualTo(2);
        assertThat(factor("[{op: Resize, size: [224, 224]}]", 768, 1024)).isEqualTo(2);
        assertThat(factor("[{op: Resize, size: 224}]", 3000, 4000)).isEqualTo(8);
        assertThat(factor("[{op: Resize, size: 64}]", 768, 1024)).isEqualTo(8);
        assertThat(factor("[{op: Resize, size: 224}]", 300, 451)).isEqualTo(1);
        // Only an op that applies to every sample, in first place, allows a reduction.
        assertThat(factor("[{op: Resize, size: 224, p: 0.9}]", 3000, 4000)).isEqualTo(1);
        assertThat(factor("[{op: HorizontalFlip}, {op: Resize, size: 224}]", 3000, 4000)).isEqualTo(1);
        assertThat(factor("[{op: Resize, size: 224, forbid_classes: [1]}]", 3000, 4000)).isEqualTo(1);
        assertThat(factor("[{op: RandomCrop, size: 224}]", 3000, 4000)).isEqualTo(1);
        assertThat(factor("[]", 3000, 4000)).isEqualTo(1);
    }

    @Test
    void aReductionMustSuitBothOrientationsWhenExifMayTurnTheImage() {
        var plan = ReducedDecode.forSteps(spec("[{op: Resize, size: [100, 400]}]").ops());
        // Stored 500×2000: 1/4 leaves 125×500 for a 100×400 output; turned, 2000×500 → 500×125 is too narrow.
        assertThat(plan.factor(500, 2000, false)).isEqualTo(4);
        assertThat(plan.factor(500, 2000, true)).isEqualTo(1);
    }

    @Test
    void theOutputShapeNeverChanges() {
        Random random = new Random(7);
        for (String ops : List.of("[{op: Resize, size: 224}]", "[{op: Resize, size: 97}]", "[{op: Resize, size: [120, 90]}]")) {
            var op = ((io.streamaug.augment.spec.Step.Op) spec(ops).ops().get(0)).op();
            var plan = ReducedDecode.forSteps(spec(ops).ops());
            for (int i = 0; i < 2000; i++) {
                int h = 50 + random.nextInt(4000);
                int w = 50 + random.nextInt(4000);
                int k = plan.factor(h, w, false);
                assertThat(op.outputSize((h + k - 1) / k, (w + k - 1) / k)).as("%s from %d×%d at 1/%d", ops, h, w, k)
                        .containsExactly(op.outputSize(h, w));
            }
        }
    }

    @Test
    void aPhotoDecodesReducedWithTheSameShapeAndTheSameBytesForTheSameSeed() {
        byte[] photo = photo(768, 1024);
        String crop = "[{op: RandomResizedCrop, size: 224, scale_range: [0.35, 1]}, {op: HorizontalFlip}]";
        PipelineSpec reduced = spec(crop);
        PipelineSpec full = new SpecLoader(List.of()).parse("{channels: 3, decode: {reduced: false}, ops: " + crop
                + ", eval_ops: [{op: Resize, size: 256}, {op: CenterCrop, size: 224}]}", "test");
        try (ImagePipeline a = new ImagePipeline(reduced, RGB, 0); ImagePipeline b = new ImagePipeline(reduced, RGB, 0);
                ImagePipeline c = new ImagePipeline(full, RGB, 0)) {
            AugmentedImage first = a.augment("cat-1", Split.TRAIN, 0, 0, photo, Label.of(0));
            assertThat(a.lastDecodeFactor()).isEqualTo(2);
            AugmentedImage again = b.augment("cat-1", Split.TRAIN, 0, 0, photo, Label.of(0));
            AugmentedImage whole = c.augment("cat-1", Split.TRAIN, 0, 0, photo, Label.of(0));
            assertThat(c.lastDecodeFactor()).isEqualTo(1);
            assertThat(new int[] {first.height(), first.width(), first.channels()}).containsExactly(224, 224, 3);
            assertThat(new int[] {whole.height(), whole.width(), whole.channels()}).containsExactly(224, 224, 3);
            assertThat(again.hwc()).isEqualTo(first.hwc());
            // Val: Resize 256 allows 1/2 from 768 rows; the centre crop is the same size either way.
            AugmentedImage val = a.augment("cat-1", Split.VAL, 0, 0, photo, Label.of(0));
            assertThat(a.lastDecodeFactor()).isEqualTo(2);
            AugmentedImage valFull = c.augment("cat-1", Split.VAL, 0, 0, photo, Label.of(0));
            assertThat(new int[] {val.height(), val.width()}).containsExactly(224, 224);
            assertThat(psnr(val.hwc(), valFull.hwc())).as("val, reduced vs full decode").isGreaterThan(30);
        }
    }

    @Test
    void aPortraitPhoneJpegIsDecodedReducedAndUpright() {
        byte[] portrait = TestImages.withExifOrientation(photo(768, 1024), 6); // stored landscape, shown portrait
        String yaml = "{channels: 3, eval_ops: [{op: Resize, size: 256}]%s}";
        try (ImagePipeline upright = new ImagePipeline(new SpecLoader(List.of()).parse(String.format(yaml, ""), "t"), RGB, 0);
                ImagePipeline asStored = new ImagePipeline(new SpecLoader(List.of()).parse(
                        String.format(yaml, ", decode: {exif_orientation: false}"), "t"), RGB, 0)) {
            AugmentedImage a = upright.augment("p", Split.VAL, 0, 0, portrait, Label.of(0));
            assertThat(upright.lastDecodeFactor()).isEqualTo(2);
            assertThat(new int[] {a.height(), a.width()}).containsExactly(341, 256);
            AugmentedImage b = asStored.augment("p", Split.VAL, 0, 0, portrait, Label.of(0));
            assertThat(asStored.lastDecodeFactor()).isEqualTo(2);
            assertThat(new int[] {b.height(), b.width()}).containsExactly(256, 341);
        }
    }

    /** scikit-image's chelsea, enlarged to {@code height × width} and encoded as a JPEG. */
    static byte[] photo(int height, int width) {
        OpenCv.load();
        Mat small = Imgcodecs.imdecode(new org.opencv.core.MatOfByte(TestImages.resource("/fixtures/decode/chelsea.jpg")),
                Imgcodecs.IMREAD_COLOR);
        Mat big = new Mat();
        Imgproc.resize(small, big, new Size(width, height), 0, 0, Imgproc.INTER_CUBIC);
        small.release();
        return TestImages.jpeg(big, 90);
    }

    static double psnr(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            sum += d * d;
        }
        double mse = sum / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
    }
}
