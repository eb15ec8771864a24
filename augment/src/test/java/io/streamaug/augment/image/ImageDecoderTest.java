package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * The one decoder: guard before decoding; 8-bit; every kind of image converted to the spec's
 * channels as torchvision's loader does ({@code Image.convert("RGB")}, {@code "L"}), or refused
 * with {@code channels: strict}; JPEGs upright by their EXIF orientation.
 */
class ImageDecoderTest {
    private static final DecodeOptions STRICT = new DecodeOptions(true, new int[] {255, 255, 255}, true, true);

    static {
        OpenCv.load();
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() {
        try (ImageDecoder decoder = new ImageDecoder(1, ImageLimits.DEFAULT)) {
            assertThatThrownBy(() -> decoder.pixels(TestImages.pngDeclaring(100_000, 100_000)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("100000×100000").hasMessageContaining("decompression bomb");
        }
    }

    @Test
    void emptyAndTruncatedImagesAreRefused() {
        byte[] gray = TestImages.grayPng(6, 5);
        try (ImageDecoder decoder = new ImageDecoder(1, ImageLimits.DEFAULT)) {
            assertThatThrownBy(() -> decoder.check(new byte[0])).hasMessageContaining("empty");
            assertThatThrownBy(() -> decoder.check(Arrays.copyOf(gray, gray.length / 2)))
                    .hasMessageContaining("not an image OpenCV can decode");
        }
    }

    @Test
    void aJpegCutShortIsRefusedThoughLibjpegWouldFillItInButPaddingAfterItsEndIsNot() {
        byte[] jpeg = TestImages.resource("/fixtures/decode/chelsea.jpg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 64); // zeros after the end-of-image marker, as some cameras write
        try (ImageDecoder decoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            assertThatThrownBy(() -> decoder.check(cut)).hasMessageContaining("JPEG is truncated");
            decoder.check(padded);
            decoder.check(jpeg);
        }
    }

    @Test
    void aTiffAndAPreparedRecordAreRefusedNamingWhatTheyAre() {
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] prepared = {'S', 'A', 'U', 'G', 1, 1, 0, 1, 0, 0, 0, 0};
        try (ImageDecoder decoder = new ImageDecoder(1, ImageLimits.DEFAULT)) {
            assertThatThrownBy(() -> decoder.check(tiff)).hasMessageContaining("TIFF is not accepted");
            assertThatThrownBy(() -> decoder.check(prepared)).hasMessageContaining("a prepared record")
                    .hasMessageContaining("raw topic");
        }
    }

    @Test
    void strictChannelsRefuseGrayIntoRgbAndColourIntoGray() {
        byte[] grayPng = TestImages.grayPng(6, 5);
        byte[] grayJpeg = TestImages.resource("/fixtures/decode/camera.jpg");
        byte[] colourPng = TestImages.solidRgbPng(2, 2, 1, 2, 3);
        byte[] colourJpeg = TestImages.resource("/fixtures/decode/chelsea.jpg");
        try (ImageDecoder gray = new ImageDecoder(1, ImageLimits.DEFAULT, STRICT);
                ImageDecoder rgb = new ImageDecoder(3, ImageLimits.DEFAULT, STRICT)) {
            assertThatThrownBy(() -> rgb.check(grayPng)).hasMessageContaining("image has 1 channel but the spec expects 3 (RGB)")
                    .hasMessageContaining("channels: strict");
            assertThatThrownBy(() -> rgb.check(grayJpeg)).hasMessageContaining("expects 3 (RGB)");
            assertThatThrownBy(() -> gray.check(colourPng)).hasMessageContaining("image has 3 channels but the spec expects 1 (grayscale)");
            assertThatThrownBy(() -> gray.check(colourJpeg)).hasMessageContaining("expects 1 (grayscale)");
            gray.check(grayPng);
            gray.check(grayJpeg);
            rgb.check(colourPng);
            rgb.check(colourJpeg);
        }
    }

    @Test
    void pixelsAreHwcGrayOrRgb() {
        try (ImageDecoder grayDecoder = new ImageDecoder(1, ImageLimits.DEFAULT);
                ImageDecoder rgbDecoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            byte[] gray = grayDecoder.pixels(TestImages.grayPng(6, 5));
            assertThat(gray).hasSize(30);
            for (int i = 0; i < gray.length; i++) {
                assertThat(gray[i] & 0xff).isEqualTo(i);
            }
            assertThat(rgbDecoder.pixels(TestImages.solidRgbPng(1, 2, 10, 20, 30))).containsExactly(10, 20, 30, 10, 20, 30);
        }
    }

    @Test
    void grayImagesAreReplicatedToThreeChannels() {
        byte[] camera = TestImages.resource("/fixtures/decode/camera.jpg");
        try (ImageDecoder gray = new ImageDecoder(1, ImageLimits.DEFAULT);
                ImageDecoder rgb = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            for (byte[] image : new byte[][] {TestImages.grayPng(6, 5), camera}) {
                byte[] one = gray.pixels(image);
                byte[] three = rgb.pixels(image);
                assertThat(three).hasSize(3 * one.length);
                for (int i = 0; i < one.length; i++) {
                    assertThat(new byte[] {three[3 * i], three[3 * i + 1], three[3 * i + 2]})
                            .containsExactly(one[i], one[i], one[i]);
                }
            }
        }
    }

    @Test
    void colourBecomesItsLuminanceInAOneChannelDataset() {
        // PIL's "L": L = R·299/1000 + G·587/1000 + B·114/1000 (ITU-R 601-2), rounded.
        int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {200, 100, 50}, {13, 250, 77}, {255, 255, 255}};
        Mat bgr = new Mat(1, colours.length, CvType.CV_8UC3);
        for (int i = 0; i < colours.length; i++) {
            bgr.put(0, i, colours[i][2], colours[i][1], colours[i][0]);
        }
        byte[] png = TestImages.encode(bgr, ".png");
        try (ImageDecoder gray = new ImageDecoder(1, ImageLimits.DEFAULT)) {
            byte[] luma = gray.pixels(png);
            for (int i = 0; i < colours.length; i++) {
                double l = (colours[i][0] * 299 + colours[i][1] * 587 + colours[i][2] * 114) / 1000.0;
                assertThat((double) (luma[i] & 0xff)).as("luma of %s", Arrays.toString(colours[i])).isCloseTo(l,
                        org.assertj.core.data.Offset.offset(0.51 + 0.5)); // rounding, within one level
            }
        }
        // A colour JPEG: the luma plane libjpeg keeps is the luminance of the colour decode, within rounding.
        byte[] chelsea = TestImages.resource("/fixtures/decode/chelsea.jpg");
        try (ImageDecoder gray = new ImageDecoder(1, ImageLimits.DEFAULT);
                ImageDecoder rgb = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            byte[] luma = gray.pixels(chelsea);
            byte[] colour = rgb.pixels(chelsea);
            assertThat(colour).hasSize(3 * luma.length);
            long far = 0;
            double sum = 0;
            for (int i = 0; i < luma.length; i++) {
                double l = ((colour[3 * i] & 0xff) * 299 + (colour[3 * i + 1] & 0xff) * 587 + (colour[3 * i + 2] & 0xff) * 114) / 1000.0;
                double d = Math.abs((luma[i] & 0xff) - l);
                sum += d;
                far += d > 2.5 ? 1 : 0;
            }
            assertThat(sum / luma.length).isLessThan(1.0);
            assertThat((double) far / luma.length).isLessThan(0.01); // only where the colour decode clips
        }
    }

    @Test
    void transparencyIsCompositedOnTheFillNotStripped() {
        // BGRA: opaque green; fully transparent with red hidden under it; half-transparent blue.
        Mat bgra = new Mat(1, 3, CvType.CV_8UC4);
        bgra.put(0, 0, 0, 255, 0, 255, /**/ 0, 0, 255, 0, /**/ 255, 0, 0, 128);
        byte[] png = TestImages.encode(bgra, ".png");
        try (ImageDecoder white = new ImageDecoder(3, ImageLimits.DEFAULT);
                ImageDecoder grayWhite = new ImageDecoder(1, ImageLimits.DEFAULT);
                ImageDecoder black = new ImageDecoder(3, ImageLimits.DEFAULT,
                        new DecodeOptions(false, new int[] {0, 0, 0}, true, true));
                ImageDecoder strict = new ImageDecoder(3, ImageLimits.DEFAULT, STRICT)) {
            int half = (int) Math.round(255 * 127 / 255.0); // the fill's share behind alpha 128
            int blue = (int) Math.round(255 * 128 / 255.0);
            assertThat(unsigned(white.pixels(png))).containsExactly(0, 255, 0, 255, 255, 255, half, half, 255);
            assertThat(unsigned(black.pixels(png))).containsExactly(0, 255, 0, 0, 0, 0, 0, 0, blue);
            assertThat(unsigned(strict.pixels(png))).containsExactly(0, 255, 0, 255, 255, 255, half, half, 255);
            int[] gray = unsigned(grayWhite.pixels(png));
            assertThat(gray[1]).isEqualTo(255); // the hidden red does not show
            assertThat(gray[0]).isEqualTo((int) Math.round(255 * 0.587));
        }
        // Gray + alpha (a PNG Pillow wrote): opaque 40; 200 hidden under alpha 0; 100 at alpha 128.
        byte[] grayAlpha = TestImages.resource("/fixtures/decode/gray_alpha.png");
        try (ImageDecoder gray = new ImageDecoder(1, ImageLimits.DEFAULT,
                new DecodeOptions(false, new int[] {0, 0, 0}, true, true));
                ImageDecoder rgb = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            int half = (int) Math.round(100 * 128 / 255.0);
            assertThat(unsigned(gray.pixels(grayAlpha))).containsExactly(40, 0, half);
            int overWhite = (int) Math.round(100 * 128 / 255.0 + 255 * 127 / 255.0);
            assertThat(unsigned(rgb.pixels(grayAlpha))).containsExactly(40, 40, 40, 255, 255, 255,
                    overWhite, overWhite, overWhite);
        }
    }

    @Test
    void sixteenBitImagesAreScaledToEightBits() {
        Mat rgb16 = new Mat(1, 2, CvType.CV_16UC3);
        rgb16.put(0, 0, new short[] {(short) 65535, (short) 32896, 257, 0, 1000, (short) 40000});
        Mat gray16 = new Mat(1, 3, CvType.CV_16UC1);
        gray16.put(0, 0, new short[] {(short) 65535, 1000, 128});
        byte[] rgbPng = TestImages.encode(rgb16, ".png");
        byte[] grayPng = TestImages.encode(gray16, ".png");
        try (ImageDecoder rgb = new ImageDecoder(3, ImageLimits.DEFAULT);
                ImageDecoder gray = new ImageDecoder(1, ImageLimits.DEFAULT)) {
            // value / 257, rounded; BGR in the Mat, RGB out
            assertThat(unsigned(rgb.pixels(rgbPng))).containsExactly(1, 128, 255, 156, 4, 0);
            assertThat(unsigned(gray.pixels(grayPng))).containsExactly(255, 4, 0);
            assertThat(unsigned(rgb.pixels(grayPng))).containsExactly(255, 255, 255, 4, 4, 4, 0, 0, 0);
        }
    }

    @Test
    void cmykJpegsAreConvertedAsPillowConvertsThem() {
        byte[] cmyk = TestImages.resource("/fixtures/decode/cmyk.jpg");
        assertThat(ImageHeader.jpegComponents(cmyk)).isEqualTo(4);
        try (ImageDecoder rgb = new ImageDecoder(3, ImageLimits.DEFAULT);
                ImageDecoder strict = new ImageDecoder(3, ImageLimits.DEFAULT, STRICT);
                ImageDecoder reference = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            int[] ours = unsigned(rgb.pixels(cmyk));
            int[] pillow = unsigned(reference.pixels(TestImages.resource("/fixtures/decode/cmyk_rgb_pil.png")));
            assertThat(ours).hasSize(32 * 32 * 3);
            for (int i = 0; i < ours.length; i++) {
                assertThat(ours[i]).as("sample %d", i).isCloseTo(pillow[i], org.assertj.core.data.Offset.offset(2));
            }
            // The patches' colours, within the JPEG's rounding: cyan, magenta, yellow under half black.
            assertClose(pixel(ours, 32, 5, 5), 0, 255, 255);
            assertClose(pixel(ours, 32, 5, 20), 255, 0, 255);
            assertClose(pixel(ours, 32, 20, 5), 127, 127, 0);
            assertThat(strict.pixels(cmyk)).containsExactly(rgb.pixels(cmyk));
        }
    }

    @Test
    void exifOrientationTurnsAPortraitPhotoUprightUnlessSwitchedOff() {
        // Stored landscape 20×40: left half red, right half blue; Orientation 6 = turn 90° clockwise.
        Mat bgr = new Mat(20, 40, CvType.CV_8UC3, new Scalar(0, 0, 255));
        Mat right = bgr.submat(0, 20, 20, 40);
        right.setTo(new Scalar(255, 0, 0));
        right.release();
        byte[] jpeg = TestImages.withExifOrientation(TestImages.jpeg(bgr, 95), 6);
        try (ImageDecoder upright = new ImageDecoder(3, ImageLimits.DEFAULT);
                ImageDecoder asStored = new ImageDecoder(3, ImageLimits.DEFAULT,
                        new DecodeOptions(false, new int[] {255, 255, 255}, false, true))) {
            Mat out = new Mat();
            try {
                upright.decode(jpeg, out);
                assertThat(new int[] {out.rows(), out.cols()}).containsExactly(40, 20);
                // Turned clockwise, the stored left (red) is on top, the stored right (blue) below.
                assertThat(out.get(2, 10)[0]).isGreaterThan(200);
                assertThat(out.get(2, 10)[2]).isLessThan(50);
                assertThat(out.get(37, 10)[2]).isGreaterThan(200);
                assertThat(out.get(37, 10)[0]).isLessThan(50);
                asStored.decode(jpeg, out);
                assertThat(new int[] {out.rows(), out.cols()}).containsExactly(20, 40);
                assertThat(out.get(10, 2)[0]).isGreaterThan(200); // red on the left, as stored
                assertThat(out.get(10, 37)[2]).isGreaterThan(200);
            } finally {
                out.release();
            }
        }
    }

    @Test
    void everyExifOrientationIsTurnedAsOpenCvTurnsIt() {
        // The decoder reads the tag itself (a crop may be drawn on the upright size before
        // decoding) and must agree with OpenCV's imdecode, pixel for pixel, in colour and gray.
        Mat bgr = new Mat();
        org.opencv.imgproc.Imgproc.resize(org.opencv.imgcodecs.Imgcodecs.imdecode(
                new org.opencv.core.MatOfByte(TestImages.resource("/fixtures/decode/chelsea.jpg")),
                org.opencv.imgcodecs.Imgcodecs.IMREAD_COLOR), bgr, new org.opencv.core.Size(61, 37));
        byte[] stored = TestImages.jpeg(bgr, 90);
        for (boolean littleEndian : new boolean[] {false, true}) {
            for (int orientation = 1; orientation <= 8; orientation++) {
                byte[] jpeg = TestImages.withExifOrientation(stored, orientation, littleEndian);
                assertThat(ImageHeader.jpegOrientation(jpeg)).isEqualTo(orientation);
                for (int channels : new int[] {3, 1}) {
                    Mat expected = org.opencv.imgcodecs.Imgcodecs.imdecode(new org.opencv.core.MatOfByte(jpeg),
                            channels == 3 ? org.opencv.imgcodecs.Imgcodecs.IMREAD_COLOR
                                    : org.opencv.imgcodecs.Imgcodecs.IMREAD_GRAYSCALE);
                    if (channels == 3) {
                        org.opencv.imgproc.Imgproc.cvtColor(expected, expected, org.opencv.imgproc.Imgproc.COLOR_BGR2RGB);
                    }
                    byte[] pixels = new byte[(int) expected.total() * channels];
                    expected.get(0, 0, pixels);
                    try (ImageDecoder decoder = new ImageDecoder(channels, ImageLimits.DEFAULT)) {
                        Mat out = new Mat();
                        decoder.decode(jpeg, out);
                        assertThat(new int[] {out.rows(), out.cols()}).as("orientation %d", orientation)
                                .containsExactly(expected.rows(), expected.cols());
                        assertThat(decoder.pixels(jpeg)).as("orientation %d, %d channel(s)", orientation, channels)
                                .isEqualTo(pixels);
                        out.release();
                    }
                    expected.release();
                }
            }
        }
    }

    @Test
    void aJpegWithoutAUsableOrientationIsUpright() {
        byte[] plain = TestImages.jpeg(new Mat(8, 8, CvType.CV_8UC3, new Scalar(1, 2, 3)), 90);
        assertThat(ImageHeader.jpegOrientation(plain)).isEqualTo(1);
        assertThat(ImageHeader.jpegOrientation(TestImages.withExifOrientation(plain, 0))).isEqualTo(1);
        assertThat(ImageHeader.jpegOrientation(TestImages.withExifOrientation(plain, 9))).isEqualTo(1);
        byte[] cutShort = TestImages.withExifOrientation(plain, 6);
        cutShort[5] = 12; // the APP1 segment's length: ends inside the TIFF header
        assertThat(ImageHeader.jpegOrientation(cutShort)).isEqualTo(1);
    }

    private static void assertClose(int[] rgb, int r, int g, int b) {
        int[] expected = {r, g, b};
        for (int c = 0; c < 3; c++) {
            assertThat(rgb[c]).as("%s ≈ %s", Arrays.toString(rgb), Arrays.toString(expected))
                    .isCloseTo(expected[c], org.assertj.core.data.Offset.offset(2));
        }
    }

    private static int[] pixel(int[] hwc, int width, int row, int col) {
        int i = 3 * (row * width + col);
        return new int[] {hwc[i], hwc[i + 1], hwc[i + 2]};
    }

    private static int[] unsigned(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }
}
