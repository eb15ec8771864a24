package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class ImagePipelineTest {
    private static final byte[] GRAY = TestImages.grayPng(4, 6);
    private static final Normalization NORM = new Normalization(new float[] {0.5f}, new float[] {0.25f}, 3);

    private static ImagePipeline pipeline(double flipP, Dtype dtype) {
        String yaml = "{seed: 42, ops: [{op: HorizontalFlip, p: " + flipP + "}], output: {dtype: " + dtype.name().toLowerCase() + "}}";
        return new ImagePipeline(new SpecLoader(List.of()).parse(yaml, "test"), NORM, 0);
    }

    private static int pixel(Tensor t, int row, int col) {
        return t.rawData()[row * t.width() + col] & 0xff;
    }

    @Test
    void valAndTestRecordsAreNeverAugmented() {
        try (ImagePipeline pipeline = pipeline(1.0, Dtype.UINT8)) {
            for (Split split : List.of(Split.VAL, Split.TEST)) {
                PreparedSample s = pipeline.prepare("x", "d", split, 0, 0, GRAY, Label.of(1));
                assertThat(s.trace()).isEmpty();
                assertThat(pixel(s.tensor(), 0, 0)).isZero();
                assertThat(pixel(s.tensor(), 1, 5)).isEqualTo(11);
            }
        }
    }

    @Test
    void trainRecordsGoThroughTheOpsAndCarryTheirTrace() {
        try (ImagePipeline pipeline = pipeline(1.0, Dtype.UINT8)) {
            PreparedSample s = pipeline.prepare("x", "d", Split.TRAIN, 2, 1, GRAY, Label.of(1));
            assertThat(s.trace()).extracting(t -> t.op()).containsExactly("HorizontalFlip");
            assertThat(pixel(s.tensor(), 0, 0)).isEqualTo(5);
            assertThat(pixel(s.tensor(), 1, 5)).isEqualTo(6);
            assertThat(s.epoch()).isEqualTo(2);
            assertThat(s.repeat()).isEqualTo(1);
            assertThat(s.statsVersion()).isEqualTo(3);
        }
    }

    @Test
    void sameSampleIdEpochAndRepeatGiveIdenticalBytesAcrossPipelines() {
        try (ImagePipeline a = pipeline(0.5, Dtype.UINT8); ImagePipeline b = pipeline(0.5, Dtype.UINT8)) {
            int flipped = 0;
            for (int i = 0; i < 2000; i++) {
                PreparedSample first = a.prepare("id-" + i, "d", Split.TRAIN, i % 3, 0, GRAY, Label.of(0));
                PreparedSample second = b.prepare("id-" + i, "d", Split.TRAIN, i % 3, 0, GRAY, Label.of(0));
                assertThat(second).isEqualTo(first);
                flipped += first.trace().isEmpty() ? 0 : 1;
            }
            // p = 0.5 over 2000 independent draws: within ±5 standard deviations (±56).
            assertThat(flipped).isBetween(944, 1056);
        }
    }

    @Test
    void uint8CarriesTheAffineNormalisationOfTheTrainingStats() {
        try (ImagePipeline uint8 = pipeline(0, Dtype.UINT8); ImagePipeline float32 = pipeline(0, Dtype.FLOAT32)) {
            float[] q = uint8.prepare("x", "d", Split.VAL, 0, 0, GRAY, Label.of(0)).tensor().toNormalisedFloats();
            float[] f = float32.prepare("x", "d", Split.VAL, 0, 0, GRAY, Label.of(0)).tensor().toNormalisedFloats();
            for (int i = 0; i < q.length; i++) {
                float expected = (i / 255f - 0.5f) / 0.25f;
                assertThat(q[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(f[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void colourImagesBecomeRgbPlanes() {
        Normalization rgb = new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1}, 0);
        try (ImagePipeline pipeline = new ImagePipeline(new SpecLoader(List.of()).parse("{channels: 3}", "t"), rgb, 0)) {
            Tensor t = pipeline.prepare("c", "d", Split.VAL, 0, 0, TestImages.solidRgbPng(2, 3, 200, 100, 50), Label.of(0)).tensor();
            assertThat(t.channels()).isEqualTo(3);
            byte[] chw = t.rawData();
            assertThat(chw[0] & 0xff).isEqualTo(200);
            assertThat(chw[6] & 0xff).isEqualTo(100);
            assertThat(chw[12] & 0xff).isEqualTo(50);
        }
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeDecoding() {
        byte[] bomb = TestImages.grayPng(4, 4).clone();
        // Rewrite the IHDR size to 100,000 × 100,000 (the CRC no longer matches; nothing gets that far).
        java.nio.ByteBuffer.wrap(bomb).putInt(16, 100_000).putInt(20, 100_000);
        try (ImagePipeline pipeline = pipeline(0.5, Dtype.UINT8)) {
            assertThatThrownBy(() -> pipeline.prepare("x", "d", Split.TRAIN, 0, 0, bomb, Label.of(0)))
                    .hasMessageContaining("100000×100000").hasMessageContaining("decompression bomb");
        }
        assertThatThrownBy(() -> new ImageLimits(100, 10).check(TestImages.grayPng(4, 4)))
                .hasMessageContaining("16 pixels, more than the limit of 10");
        assertThatThrownBy(() -> new ImageLimits(10, 100).check(TestImages.grayPng(4, 4)))
                .hasMessageContaining("more than the limit of 10");
    }

    @Test
    void headersOfTheCommonFormatsAreRead() {
        OpenCv.load();
        for (String ext : List.of(".png", ".jpg", ".bmp", ".webp", ".pgm")) {
            org.opencv.core.Mat mat = new org.opencv.core.Mat(7, 13, org.opencv.core.CvType.CV_8UC1, org.opencv.core.Scalar.all(9));
            org.opencv.core.MatOfByte out = new org.opencv.core.MatOfByte();
            org.opencv.imgcodecs.Imgcodecs.imencode(ext, mat, out);
            ImageHeader.Size size = ImageHeader.read(out.toArray());
            assertThat(size.width()).as(ext).isEqualTo(13);
            assertThat(size.height()).as(ext).isEqualTo(7);
            mat.release();
            out.release();
        }
    }

    @Test
    void aColourImageInAGraySpecBecomesItsLuminanceOrIsRefusedWhenStrict() {
        byte[] colour = TestImages.solidRgbPng(4, 4, 200, 100, 50);
        try (ImagePipeline gray = pipeline(0.5, Dtype.UINT8);
                ImagePipeline strict = new ImagePipeline(new SpecLoader(List.of()).parse(
                        "{ops: [{op: HorizontalFlip}], decode: {channels: strict}}", "test"), NORM, 0)) {
            PreparedSample sample = gray.prepare("x", "d", Split.TRAIN, 0, 0, colour, Label.of(0));
            assertThat(sample.tensor().channels()).isEqualTo(1);
            assertThat(pixel(sample.tensor(), 0, 0)).isEqualTo(124); // 0.299·200 + 0.587·100 + 0.114·50 = 124.2
            assertThatThrownBy(() -> strict.prepare("x", "d", Split.TRAIN, 0, 0, colour, Label.of(0)))
                    .hasMessageContaining("image has 3 channels but the spec expects 1");
        }
    }

    @Test
    void bytesThatAreNotAnImageAreRefusedWithAClearMessage() {
        try (ImagePipeline pipeline = pipeline(0.5, Dtype.UINT8)) {
            assertThatThrownBy(() -> pipeline.prepare("x", "d", Split.TRAIN, 0, 0, new byte[] {1, 2, 3}, Label.of(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a recognised image format");
            assertThatThrownBy(() -> pipeline.prepare("x", "d", Split.TRAIN, 0, 0, new byte[0], Label.of(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        }
    }

    @Test
    void aColourJpegTurnedToRgbAfterItsFirstCropOrResizeGivesTheRecordOfOneTurnedBefore() {
        // A first crop (train) or resize (val) sees the decoder's BGR pixels and its output is turned
        // to RGB; the same photo decoded to RGB beforehand must give the same records, in RGB.
        Normalization rgb = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}, 0);
        String yaml = "{seed: 9, channels: 3, decode: {reduced: false}, ops: [{op: RandomResizedCrop, size: 24},"
                + " {op: ColorJitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 1}],"
                + " eval_ops: [{op: Resize, size: 20}], output: {dtype: uint8}}";
        Mat noise = new Mat(48, 64, CvType.CV_8UC3);
        Core.randu(noise, 0, 256);
        byte[] photo = TestImages.jpeg(noise, 95);
        Mat bgrRed = new Mat(48, 64, CvType.CV_8UC3, new Scalar(10, 30, 200));
        byte[] red = TestImages.jpeg(bgrRed, 95);
        Mat decoded = new Mat();
        try (ImagePipeline pipeline = new ImagePipeline(new SpecLoader(List.of()).parse(yaml, "test"), rgb, 0);
                ImageDecoder decoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            decoder.decode(photo, decoded);
            for (Split split : List.of(Split.TRAIN, Split.VAL)) {
                for (int i = 0; i < 20; i++) {
                    assertThat(pipeline.prepare("s" + i, "d", split, 0, 0, photo, Label.of(0)))
                            .isEqualTo(pipeline.prepare("s" + i, "d", split, 0, 0, decoded, Label.of(0)));
                }
            }
            Tensor t = pipeline.prepare("r", "d", Split.VAL, 0, 0, red, Label.of(0)).tensor();
            int plane = t.height() * t.width();
            assertThat(t.rawData()[0] & 0xff).as("red").isGreaterThan(180);
            assertThat(t.rawData()[2 * plane] & 0xff).as("blue").isLessThan(40);
        } finally {
            decoded.release();
        }
    }
}
