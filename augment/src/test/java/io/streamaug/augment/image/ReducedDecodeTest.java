package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.ops.RandomResizedCrop;
import io.streamaug.augment.spec.LabelRule;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * JPEGs decoded at 1/2, 1/4 or 1/8 when the first op shrinks them that much anyway: a Resize by
 * its header, a RandomResizedCrop by the box each sample draws.
 */
class ReducedDecodeTest {
    private static final Normalization RGB = new Normalization(new float[3], new float[] {1, 1, 1}, 0);
    /** The ImageNet recipe's first steps (crop, flip, colour), as in {@code imagenet-style}. */
    private static final String IMAGENET = "[{op: RandomResizedCrop, size: 224, scale_range: [0.08, 1],"
            + " ratio_range: [0.75, 1.3333]}, {op: HorizontalFlip, p: 0.5},"
            + " {op: ColorJitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 0.8}]";
    /** Its crop and flip alone: what decoding changes, before colour jitter scales the differences up. */
    private static final String CROP_FLIP = "[{op: RandomResizedCrop, size: 224, scale_range: [0.08, 1],"
            + " ratio_range: [0.75, 1.3333]}, {op: HorizontalFlip, p: 0.5}]";

    private static PipelineSpec spec(String ops) {
        return spec(ops, "");
    }

    private static PipelineSpec spec(String ops, String decode) {
        return new SpecLoader(List.of()).parse("{channels: 3, ops: " + ops + ", eval_ops: [{op: Resize, size: 256}, "
                + "{op: CenterCrop, size: 224}]" + (decode.isEmpty() ? "" : ", decode: " + decode) + "}", "test");
    }

    private static int factor(String ops, long height, long width) {
        return ReducedDecode.forSteps(spec(ops).ops()).factor(height, width, true);
    }

    @Test
    void aResizeIsReducedAsFarAsTheHeaderAllows() {
        // The reduced image must still have at least the output's pixels each way.
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
    void aCropsReductionIsChosenPerSampleNotFromTheHeader() {
        var crop = ReducedDecode.forSteps(spec("[{op: RandomResizedCrop, size: 224}]").ops());
        assertThat(crop.perSample()).isTrue();
        assertThat(crop.factor(3000, 4000, true)).isEqualTo(1);
        assertThat(ReducedDecode.forSteps(spec("[{op: Resize, size: 224}]").ops()).perSample()).isFalse();
        assertThat(ReducedDecode.forSteps(spec("[{op: RandomResizedCrop, size: 224, p: 0.5}]").ops()).perSample())
                .isFalse();
        assertThat(ReducedDecode.forSteps(spec("[{op: RandomResizedCrop, size: 224, forbid_classes: [3]}]").ops())
                .perSample()).isFalse();
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
            var op = ((Step.Op) spec(ops).ops().get(0)).op();
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
    void aCropIsNeverEnlargedWhereAFullDecodeWouldHaveShrunkIt() {
        // Any size, orientation and crop: the box mapped into the reduced image stays inside it,
        // has the drawn box's size within a reduced pixel, and holds the output's pixels each way.
        Random sizes = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            int h = 100 + sizes.nextInt(4000);
            int w = 100 + sizes.nextInt(4000);
            int out = 16 + sizes.nextInt(300);
            ExifOrientation orientation = ExifOrientation.of(1 + sizes.nextInt(8));
            var plan = ReducedDecode.forSteps(List.of(new Step.Op(new RandomResizedCrop(out, out, DoubleRange.of(0.02, 1),
                    DoubleRange.of(0.5, 2), Interpolation.BILINEAR, 1), LabelRule.NONE)));
            var image = new ImageDecoder.Encoded(new byte[0], new ImageHeader.Size("jpeg", w, h), orientation);
            var crop = plan.drawCrop(new SplittableRandom(i), image, 3);
            RandomResizedCrop.Params box = crop.box();
            RandomResizedCrop.Params reduced = crop.reduced();
            int k = crop.factor();
            String what = String.format("%d×%d stored, %s, box %s → 1/%d %s", w, h, orientation, box, k, reduced);
            if (k == 1) {
                assertThat(reduced).as(what).isEqualTo(box);
                continue;
            }
            assertThat(reduced.boxHeight()).as(what).isGreaterThanOrEqualTo(out);
            assertThat(reduced.boxWidth()).as(what).isGreaterThanOrEqualTo(out);
            assertThat(box.boxHeight()).as(what).isGreaterThanOrEqualTo(out);
            assertThat(box.boxWidth()).as(what).isGreaterThanOrEqualTo(out);
            assertThat(reduced.top()).as(what).isNotNegative();
            assertThat(reduced.left()).as(what).isNotNegative();
            assertThat(reduced.top() + reduced.boxHeight()).as(what).isLessThanOrEqualTo((image.height() + k - 1) / k);
            assertThat(reduced.left() + reduced.boxWidth()).as(what).isLessThanOrEqualTo((image.width() + k - 1) / k);
            assertThat(Math.abs(reduced.boxHeight() * k - box.boxHeight())).as(what).isLessThanOrEqualTo(k);
            assertThat(Math.abs(reduced.boxWidth() * k - box.boxWidth())).as(what).isLessThanOrEqualTo(k);
            // A larger reduction would have left fewer than the output's pixels.
            if (k < 8) {
                RandomResizedCrop.Params more = ReducedDecode.reduce(box, 2 * k, image);
                assertThat(more.boxHeight() < out || more.boxWidth() < out).as(what).isTrue();
            }
        }
    }

    @Test
    void imageNetCropsOfA1024By768PhotoAreHalfReducedByTheirBox() {
        // The box distribution of scale [0.08, 1], ratio [3/4, 4/3] with a 224 output, over 100,000
        // samples: the share decoded at 1/2 is the share of boxes ≥ ~448 px each way (docs/specs.md:
        // 68.4 % of a 1024×768 photo's; a 4032×3024 photo's: 0.2 % at 1/2, 32.8 % at 1/4, 67.0 % at 1/8).
        var plan = ReducedDecode.forSteps(spec(IMAGENET).ops());
        Map<Integer, Integer> landscape = shares(plan, 768, 1024, 1);
        Map<Integer, Integer> portrait = shares(plan, 1024, 768, 6); // a phone's: stored landscape, turned
        Map<Integer, Integer> phone = shares(plan, 3024, 4032, 1);
        assertThat(landscape.keySet()).containsOnly(1, 2);
        assertThat(landscape.get(2) / 1000.0).isBetween(67.5, 69.5);
        assertThat(portrait.keySet()).containsOnly(1, 2);
        assertThat(portrait.get(2) / 1000.0).isBetween(67.5, 69.5);
        // A 12 MP photo: 1/4 or 1/8 but for the narrowest of the smallest boxes (855 px high at 0.08, ratio 4/3).
        assertThat(phone.keySet()).containsOnly(2, 4, 8);
        assertThat(phone.get(2) / 1000.0).isLessThan(0.5);
        assertThat(phone.get(8) / 1000.0).isBetween(66.0, 68.0);
    }

    /** How many of 100,000 samples of an upright {@code height × width} JPEG are decoded at each reduction. */
    private static Map<Integer, Integer> shares(ReducedDecode plan, int height, int width, int orientation) {
        ExifOrientation turn = ExifOrientation.of(orientation);
        var image = new ImageDecoder.Encoded(new byte[0], new ImageHeader.Size("jpeg",
                turn.transposes() ? height : width, turn.transposes() ? width : height), turn);
        assertThat(new int[] {image.height(), image.width()}).containsExactly(height, width);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            counts.merge(plan.drawCrop(new SplittableRandom(i), image, 3).factor(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void aCropDecodedReducedTakesTheSameBoxAndDiffersOnlyByDecodeQuality() {
        byte[] photo = photo(768, 1024);
        try (ImagePipeline reduced = new ImagePipeline(spec(IMAGENET), RGB, 0);
                ImagePipeline full = new ImagePipeline(spec(IMAGENET, "{reduced: false}"), RGB, 0);
                ImagePipeline reducedCrop = new ImagePipeline(spec(CROP_FLIP), RGB, 0);
                ImagePipeline fullCrop = new ImagePipeline(spec(CROP_FLIP, "{reduced: false}"), RGB, 0)) {
            int halved = 0;
            for (int i = 0; i < 40; i++) {
                String id = "photo-" + i;
                // Every draw is the same: the box (in the full image's pixels), the flip, the jitter.
                AugmentedImage a = reduced.augment(id, Split.TRAIN, 0, 0, photo, Label.of(0));
                int k = reduced.lastDecodeFactor();
                AugmentedImage b = full.augment(id, Split.TRAIN, 0, 0, photo, Label.of(0));
                assertThat(full.lastDecodeFactor()).isEqualTo(1);
                assertThat(withoutReduction(a.trace())).as(id).isEqualTo(b.trace());
                assertThat(a.trace().get(0).params().get("reduction")).as(id).isEqualTo(k == 1 ? null : k);
                assertThat(new int[] {a.height(), a.width()}).containsExactly(224, 224);
                // The pixels differ by the decode alone.
                AugmentedImage c = reducedCrop.augment(id, Split.TRAIN, 0, 0, photo, Label.of(0));
                AugmentedImage d = fullCrop.augment(id, Split.TRAIN, 0, 0, photo, Label.of(0));
                if (k == 1) {
                    assertThat(a.hwc()).as(id).isEqualTo(b.hwc());
                    assertThat(c.hwc()).as(id).isEqualTo(d.hwc());
                } else {
                    halved++;
                    assertThat(psnr(c.hwc(), d.hwc())).as("%s at 1/%d, box %s", id, k, b.trace().get(0).params())
                            .isGreaterThan(30);
                }
            }
            assertThat(halved).isBetween(15, 38);
        }
    }

    @Test
    void theSameRecordGivesTheSameBytesEveryTime() {
        byte[] photo = photo(768, 1024);
        try (ImagePipeline a = new ImagePipeline(spec(IMAGENET), RGB, 0); ImagePipeline b = new ImagePipeline(spec(IMAGENET), RGB, 0)) {
            for (int i = 0; i < 10; i++) {
                AugmentedImage first = a.augment("cat-" + i, Split.TRAIN, 1, 0, photo, Label.of(0));
                a.augment("dog-" + i, Split.TRAIN, 1, 0, photo, Label.of(0)); // whatever came before
                AugmentedImage again = a.augment("cat-" + i, Split.TRAIN, 1, 0, photo, Label.of(0));
                AugmentedImage elsewhere = b.augment("cat-" + i, Split.TRAIN, 1, 0, photo, Label.of(0));
                assertThat(again.hwc()).isEqualTo(first.hwc());
                assertThat(elsewhere.hwc()).isEqualTo(first.hwc());
                assertThat(again.trace()).isEqualTo(first.trace());
                assertThat(elsewhere.trace()).isEqualTo(first.trace());
            }
        }
    }

    @Test
    void bigBoxesAreDecodedReducedAndSmallOnesInFull() {
        for (int[] size : new int[][] {{768, 1024}, {3024, 4032}}) {
            byte[] photo = photo(size[0], size[1]);
            Map<Integer, Integer> seen = new HashMap<>();
            try (ImagePipeline pipeline = new ImagePipeline(spec(IMAGENET), RGB, 0)) {
                for (int i = 0; i < 40; i++) {
                    AugmentedImage a = pipeline.augment("photo-" + i, Split.TRAIN, 0, 0, photo, Label.of(0));
                    int k = pipeline.lastDecodeFactor();
                    seen.merge(k, 1, Integer::sum);
                    Map<String, Object> box = a.trace().get(0).params();
                    int smaller = Math.min((Integer) box.get("height"), (Integer) box.get("width"));
                    String what = "box " + box + " of " + size[1] + "×" + size[0] + " at 1/" + k;
                    // The mapped box is within a pixel of box / k: where k leaves 225 px it is taken,
                    // where it leaves under 223 it is not.
                    for (int reduction : new int[] {2, 4, 8}) {
                        if (smaller >= 225 * reduction) {
                            assertThat(k).as(what).isGreaterThanOrEqualTo(reduction);
                        }
                        if (smaller < 223 * reduction) {
                            assertThat(k).as(what).isLessThan(reduction);
                        }
                    }
                    assertThat(new int[] {a.height(), a.width()}).containsExactly(224, 224);
                }
            }
            if (size[0] == 768) {
                assertThat(seen.keySet()).as("1024×768").containsOnly(1, 2);
            } else {
                assertThat(seen.keySet()).as("4032×3024").contains(4, 8).isSubsetOf(2, 4, 8);
            }
        }
    }

    @Test
    void aTurnedPhoneJpegTakesTheSameBoxOnTheUprightImageReducedOrNot() {
        // Sides that are not multiples of 8, so libjpeg's rounding-up pads the reduced image; each
        // orientation reverses different axes, which moves the padding to the start of them.
        byte[] stored = photo(765, 1021);
        try (ImagePipeline reduced = new ImagePipeline(spec(CROP_FLIP), RGB, 0);
                ImagePipeline full = new ImagePipeline(spec(CROP_FLIP, "{reduced: false}"), RGB, 0)) {
            for (int orientation = 1; orientation <= 8; orientation++) {
                byte[] jpeg = TestImages.withExifOrientation(stored, orientation);
                int halved = 0;
                for (int i = 0; i < 6; i++) {
                    String id = "turned-" + i;
                    AugmentedImage a = reduced.augment(id, Split.TRAIN, 0, 0, jpeg, Label.of(0));
                    int k = reduced.lastDecodeFactor();
                    AugmentedImage b = full.augment(id, Split.TRAIN, 0, 0, jpeg, Label.of(0));
                    // The same box as the full decode's, drawn on the upright image: portrait for 5..8.
                    assertThat(withoutReduction(a.trace())).isEqualTo(b.trace());
                    Map<String, Object> box = b.trace().get(0).params();
                    boolean portrait = orientation >= 5;
                    assertThat((Integer) box.get("top") + (Integer) box.get("height")).isLessThanOrEqualTo(portrait ? 1021 : 765);
                    assertThat((Integer) box.get("left") + (Integer) box.get("width")).isLessThanOrEqualTo(portrait ? 765 : 1021);
                    if (k > 1) {
                        halved++;
                        assertThat(psnr(a.hwc(), b.hwc())).as("orientation %d, %s at 1/%d, box %s", orientation, id, k, box)
                                .isGreaterThan(30);
                    }
                }
                assertThat(halved).as("orientation %d", orientation).isPositive();
            }
        }
    }

    @Test
    void aBoxIsFoundWhereLibjpegPutsItInATurnedReducedImage() {
        // libjpeg's reduced pixel j covers stored pixels [jk, jk + k); the last one is partly padding.
        // Where the orientation reverses an axis the padding comes first: a box whose edges sit on
        // reduced pixel edges there must map onto exactly those, and hold the same picture.
        byte[] stored = photo(765, 1021); // 1021 = 1024 - 3, 765 = 768 - 3: padding at every reduction
        try (ImageDecoder decoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            for (int orientation = 1; orientation <= 8; orientation++) {
                ImageDecoder.Encoded image = decoder.inspect(TestImages.withExifOrientation(stored, orientation));
                Mat full = new Mat();
                decoder.decode(image, full, 1, true);
                for (int k : new int[] {2, 4, 8}) {
                    Mat reduced = new Mat();
                    decoder.decode(image, reduced, k, true);
                    int rowPadding = image.orientation().reversesRows() ? (image.height() + k - 1) / k * k - image.height() : 0;
                    int columnPadding = image.orientation().reversesColumns() ? (image.width() + k - 1) / k * k - image.width() : 0;
                    var inReduced = new RandomResizedCrop.Params(5, 7, reduced.rows() - 5 - 3, reduced.cols() - 7 - 2);
                    var box = new RandomResizedCrop.Params(5 * k - rowPadding, 7 * k - columnPadding,
                            inReduced.boxHeight() * k, inReduced.boxWidth() * k);
                    String what = "orientation " + orientation + " at 1/" + k;
                    assertThat(ReducedDecode.reduce(box, k, image)).as(what).isEqualTo(inReduced);
                    Mat fromFull = new Mat();
                    Mat fullBox = full.submat(box.top(), box.top() + box.boxHeight(), box.left(), box.left() + box.boxWidth());
                    Imgproc.resize(fullBox, fromFull, new Size(inReduced.boxWidth(), inReduced.boxHeight()), 0, 0,
                            Imgproc.INTER_AREA);
                    Mat reducedBox = reduced.submat(inReduced.top(), inReduced.top() + inReduced.boxHeight(),
                            inReduced.left(), inReduced.left() + inReduced.boxWidth());
                    // 52–55 dB here; a box off by the padding (up to 3 px) would give 30–36 dB.
                    assertThat(Core.PSNR(fromFull, reducedBox)).as(what).isGreaterThan(45);
                    for (Mat m : List.of(reduced, fromFull, fullBox, reducedBox)) {
                        m.release();
                    }
                }
                full.release();
            }
        }
    }

    @Test
    void withReducedDecodingOffACropDecodesInFull() {
        byte[] photo = photo(768, 1024);
        try (ImagePipeline full = new ImagePipeline(spec(IMAGENET, "{reduced: false}"), RGB, 0)) {
            for (int i = 0; i < 20; i++) {
                AugmentedImage a = full.augment("photo-" + i, Split.TRAIN, 0, 0, photo, Label.of(0));
                assertThat(full.lastDecodeFactor()).isEqualTo(1);
                assertThat(a.trace().get(0).params()).doesNotContainKey("reduction");
            }
        }
    }

    @Test
    void aPhotoDecodesReducedWithTheSameShapeAndTheSameBytesForTheSameSeed() {
        byte[] photo = photo(768, 1024);
        String crop = "[{op: RandomResizedCrop, size: 224, scale_range: [0.35, 1]}, {op: HorizontalFlip}]";
        try (ImagePipeline a = new ImagePipeline(spec(crop), RGB, 0); ImagePipeline b = new ImagePipeline(spec(crop), RGB, 0);
                ImagePipeline c = new ImagePipeline(spec(crop, "{reduced: false}"), RGB, 0)) {
            // scale ≥ 0.35 of 1024×768: every box is ≥ 454 px each way, so every sample gets 1/2.
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

    /** The trace without the crop's {@code reduction}: what a full decode records. */
    private static List<OpTrace> withoutReduction(List<OpTrace> trace) {
        return trace.stream().map(t -> {
            Map<String, Object> params = new HashMap<>(t.params());
            params.remove("reduction");
            return new OpTrace(t.op(), params);
        }).toList();
    }

    /**
     * A photograph at {@code height × width}, as a camera JPEG is: scikit-image's chelsea enlarged,
     * with sensor-like noise (σ 3 levels, seeded) so that it has detail at every scale, not only
     * the enlarged photo's; JPEG quality 90.
     */
    static byte[] photo(int height, int width) {
        OpenCv.load();
        Mat small = Imgcodecs.imdecode(new org.opencv.core.MatOfByte(TestImages.resource("/fixtures/decode/chelsea.jpg")),
                Imgcodecs.IMREAD_COLOR);
        Mat big = new Mat();
        Imgproc.resize(small, big, new Size(width, height), 0, 0, Imgproc.INTER_CUBIC);
        Mat noise = new Mat(big.size(), org.opencv.core.CvType.CV_16SC3);
        Core.setRNGSeed(3);
        Core.randn(noise, 0, 3);
        Mat noMask = new Mat();
        Core.add(big, noise, big, noMask, big.type());
        for (Mat m : List.of(small, noise, noMask)) {
            m.release();
        }
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
