package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * libjpeg-turbo's TurboJPEG (Debian's SIMD build) decodes every kind of JPEG to the pixels OpenCV's
 * bundled libjpeg-turbo decodes — sizes, samplings, progressive, restart markers, gray, every
 * reduction, both channel counts, every EXIF orientation — and leaves to OpenCV what it should not
 * decode itself (CMYK, corrupt data, a tiny image another scale fits), so that what is accepted,
 * refused and recorded does not depend on which decoder a machine has. Runs where
 * {@value TurboJpeg#LIBRARY} is installed ({@code apt-get install libturbojpeg0}), but for the test of
 * the setting and of the OpenCV path.
 */
class TurboJpegTest {
    /** Samples that may differ between the two decoders: none, measured on every image here. */
    private static final int TOLERANCE = 0;
    private static final DecodeOptions REDUCIBLE = DecodeOptions.DEFAULT;

    static {
        OpenCv.load();
    }

    private static void assumeInstalled() {
        assumeTrue(TurboJpeg.loaded(), TurboJpeg.LIBRARY + " is not installed (apt-get install " + TurboJpeg.PACKAGE
                + "): " + TurboJpeg.problem());
    }

    /** JPEGs of every kind a photo set or a camera gives, made here with OpenCV (libjpeg-turbo 2.1.3) and from the fixtures. */
    private static Map<String, byte[]> jpegs() {
        Map<String, byte[]> jpegs = new LinkedHashMap<>();
        jpegs.put("chelsea.jpg (fixture, 451×300)", TestImages.resource("/fixtures/decode/chelsea.jpg"));
        jpegs.put("camera.jpg (fixture, gray 512×512)", TestImages.resource("/fixtures/decode/camera.jpg"));
        int[][] samplings = {{Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444, 444}, {Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_422, 422},
            {Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420, 420}, {Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_440, 440},
            {Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_411, 411}};
        for (int[] sampling : samplings) {
            jpegs.put("333×517 " + sampling[1], encode(photo(517, 333, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90,
                    Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR, sampling[0]));
        }
        jpegs.put("500×375 420 progressive", encode(photo(375, 500, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 85,
                Imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1));
        jpegs.put("517×333 444 restart markers every 3 MCUs", encode(photo(333, 517, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 95,
                Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR, Imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444,
                Imgcodecs.IMWRITE_JPEG_RST_INTERVAL, 3));
        jpegs.put("1024×768 420 optimised Huffman", encode(photo(768, 1024, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90,
                Imgcodecs.IMWRITE_JPEG_OPTIMIZE, 1));
        jpegs.put("gray 333×517 progressive", encode(photo(517, 333, 1), Imgcodecs.IMWRITE_JPEG_QUALITY, 90,
                Imgcodecs.IMWRITE_JPEG_PROGRESSIVE, 1));
        jpegs.put("gray 61×37", encode(photo(37, 61, 1), Imgcodecs.IMWRITE_JPEG_QUALITY, 75));
        jpegs.put("9×17 420", encode(photo(17, 9, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90));
        jpegs.put("1×1", encode(photo(1, 1, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90));
        return jpegs;
    }

    @Test
    void turboJpegDecodesEveryKindOfJpegToOpenCvsPixelsAtEveryReduction() {
        assumeInstalled();
        int decodes = 0;
        long samples = 0;
        List<String> differing = new ArrayList<>();
        try (TurboJpeg turbo = new TurboJpeg()) {
            for (Map.Entry<String, byte[]> jpeg : jpegs().entrySet()) {
                for (int factor : new int[] {1, 2, 4, 8}) {
                    for (int channels : new int[] {3, 1}) {
                        String what = jpeg.getKey() + " at 1/" + factor + ", " + channels + " channel(s)";
                        Mat ours = turbo.decode(jpeg.getValue(), factor,
                                channels == 3 ? TurboJpeg.PixelFormat.RGB : TurboJpeg.PixelFormat.GRAY);
                        if (ours == null && turbo.declined().startsWith("another scale")) {
                            continue; // the 1×1 image: every reduction is 1×1, which TurboJPEG reaches at 1/1
                        }
                        assertThat(ours).as(what + ": declined (%s)", turbo.declined()).isNotNull();
                        Mat opencv = imdecode(jpeg.getValue(), factor, channels);
                        try {
                            assertThat(new int[] {ours.rows(), ours.cols(), ours.channels()}).as(what)
                                    .containsExactly(opencv.rows(), opencv.cols(), opencv.channels());
                            int[] difference = difference(ours, opencv);
                            if (difference[0] > TOLERANCE) {
                                differing.add(what + ": " + difference[1] + " samples differ, by up to " + difference[0]);
                            }
                            decodes++;
                            samples += ours.total() * ours.channels();
                        } finally {
                            ours.release();
                            opencv.release();
                        }
                    }
                }
            }
        }
        assertThat(differing).as("%d decodes, %d samples", decodes, samples).isEmpty();
        assertThat(decodes).isEqualTo(14 * 8 - 6); // all but the 1×1 image's three reductions, two channel counts each
    }

    @Test
    void theDecoderGivesTheSamePixelsWhicheverJpegDecoderAndOrientationAndChannelsAndReduction() {
        assumeInstalled();
        byte[] stored = encode(photo(37, 61, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90);
        List<byte[]> images = new ArrayList<>(jpegs().values());
        for (int orientation = 1; orientation <= 8; orientation++) {
            images.add(TestImages.withExifOrientation(stored, orientation, orientation % 2 == 0));
        }
        images.add(TestImages.resource("/fixtures/decode/cmyk.jpg"));
        for (int channels : new int[] {3, 1}) {
            try (ImageDecoder turbo = new ImageDecoder(channels, ImageLimits.DEFAULT, REDUCIBLE, true);
                    ImageDecoder opencv = new ImageDecoder(channels, ImageLimits.DEFAULT, REDUCIBLE, false)) {
                assertThat(turbo.usesTurboJpeg()).isTrue();
                assertThat(opencv.usesTurboJpeg()).isFalse();
                for (byte[] image : images) {
                    ImageDecoder.Encoded encoded = turbo.inspect(image);
                    for (int factor : new int[] {1, 2, 4, 8}) {
                        String what = encoded.stored() + ", orientation " + encoded.orientation() + ", 1/" + factor + ", "
                                + channels + " channel(s)";
                        assertThat(decode(turbo, encoded, factor)).as(what).isEqualTo(decode(opencv, encoded, factor));
                    }
                }
            }
        }
    }

    @Test
    void cmykJpegsAreLeftToOpenCvWhichConvertsThemAsBefore() {
        assumeInstalled();
        byte[] cmyk = TestImages.resource("/fixtures/decode/cmyk.jpg");
        try (TurboJpeg turbo = new TurboJpeg()) {
            assertThat(turbo.decode(cmyk, 1, TurboJpeg.PixelFormat.RGB)).isNull();
            assertThat(turbo.declined()).isIn("CMYK", "YCCK");
            assertThat(turbo.decode(cmyk, 1, TurboJpeg.PixelFormat.GRAY)).isNull();
        }
        for (int channels : new int[] {3, 1}) {
            try (ImageDecoder turbo = new ImageDecoder(channels, ImageLimits.DEFAULT, REDUCIBLE, true);
                    ImageDecoder opencv = new ImageDecoder(channels, ImageLimits.DEFAULT, REDUCIBLE, false)) {
                assertThat(turbo.pixels(cmyk)).hasSize(32 * 32 * channels).isEqualTo(opencv.pixels(cmyk));
            }
        }
    }

    @Test
    void aTinyImageWhereAnotherScaleFitsIsLeftToOpenCv() {
        assumeInstalled();
        // 3×3 at 1/2 is 2×2, and TurboJPEG would reach 2×2 at 5/8 first, with another IDCT than libjpeg's 1/2.
        byte[] tiny = encode(photo(3, 3, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90);
        try (TurboJpeg turbo = new TurboJpeg();
                ImageDecoder viaTurbo = new ImageDecoder(3, ImageLimits.DEFAULT, REDUCIBLE, true);
                ImageDecoder opencv = new ImageDecoder(3, ImageLimits.DEFAULT, REDUCIBLE, false)) {
            assertThat(turbo.decode(tiny, 2, TurboJpeg.PixelFormat.RGB)).isNull();
            assertThat(turbo.declined()).isEqualTo("another scale than 1/2 gives 2×2");
            ImageDecoder.Encoded encoded = viaTurbo.inspect(tiny);
            assertThat(decode(viaTurbo, encoded, 2)).hasSize(2 * 2 * 3).isEqualTo(decode(opencv, encoded, 2));
        }
    }

    @Test
    void corruptJpegsAreAcceptedOrRefusedAsOpenCvAcceptsOrRefusesThem() {
        assumeInstalled();
        byte[] jpeg = encode(photo(96, 128, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90);
        int scan = scanStart(jpeg);
        // Cut inside the scan, the end-of-image marker put back: libjpeg warns and fills the rest in.
        byte[] cutInScan = Arrays.copyOf(jpeg, scan + (jpeg.length - scan) / 3 + 2);
        cutInScan[cutInScan.length - 2] = (byte) 0xFF;
        cutInScan[cutInScan.length - 1] = (byte) 0xD9;
        // A restart marker in the middle of the entropy-coded data, where none belongs: a warning too.
        byte[] strayMarker = jpeg.clone();
        strayMarker[scan + 200] = (byte) 0xFF;
        strayMarker[scan + 201] = (byte) 0xD3;
        // The quantisation table's segment names table 5 of 4: libjpeg stops ("Bogus DQT index 5").
        byte[] badTable = jpeg.clone();
        int dqt = segment(jpeg, 0xDB);
        badTable[dqt + 4] = (byte) 0x05;
        Map<String, byte[]> corrupt = Map.of("cut in the scan", cutInScan, "a stray restart marker", strayMarker,
                "a bad quantisation table", badTable);
        try (TurboJpeg turbo = new TurboJpeg();
                ImageDecoder viaTurbo = new ImageDecoder(3, ImageLimits.DEFAULT, REDUCIBLE, true);
                ImageDecoder opencv = new ImageDecoder(3, ImageLimits.DEFAULT, REDUCIBLE, false)) {
            for (Map.Entry<String, byte[]> bad : corrupt.entrySet()) {
                assertThat(turbo.decode(bad.getValue(), 1, TurboJpeg.PixelFormat.RGB)).as(bad.getKey()).isNull();
                assertThat(turbo.declined()).as(bad.getKey()).matches("(header: )?(warning|error): .+");
                assertThat(outcome(() -> viaTurbo.pixels(bad.getValue()))).as(bad.getKey())
                        .isEqualTo(outcome(() -> opencv.pixels(bad.getValue())));
            }
            assertThat(outcome(() -> viaTurbo.pixels(badTable))).startsWith("refused: value is not an image OpenCV can decode");
            assertThat(outcome(() -> viaTurbo.pixels(cutInScan))).startsWith("decoded");
            byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
            assertThatThrownBy(() -> viaTurbo.check(truncated)).hasMessageContaining("JPEG is truncated");
        }
    }

    @Test
    void recordsAreByteForByteTheSameWhicheverDecoderTheWorkerHas() {
        assumeInstalled();
        // The jitter pipeline turns OpenCV's BGR to RGB after the crop; TurboJPEG decodes RGB outright.
        String[] specs = {
            "{seed: 7, channels: 3, ops: [{op: RandomResizedCrop, size: 64}, {op: HorizontalFlip, p: 0.5},"
                + " {op: ColorJitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 1}],"
                + " normalize: imagenet, output: {dtype: uint8}}",
            "{seed: 7, channels: 3, decode: {reduced: false}, ops: [{op: Resize, size: 48}, {op: RandAugment}],"
                + " normalize: imagenet}",
            "{seed: 7, channels: 1, ops: [{op: RandomResizedCrop, size: 32}], normalize: {mean: [0.5], std: [0.25]}}",
        };
        List<byte[]> images = new ArrayList<>(jpegs().values());
        images.add(TestImages.withExifOrientation(encode(photo(200, 300, 3), Imgcodecs.IMWRITE_JPEG_QUALITY, 90), 6));
        images.add(TestImages.resource("/fixtures/decode/cmyk.jpg"));
        for (String text : specs) {
            PipelineSpec spec = new SpecLoader(List.of()).parse(text, "decoders");
            List<byte[]> viaTurbo = records(spec, images, null);
            List<byte[]> viaOpenCv = records(spec, images, "opencv");
            for (int i = 0; i < images.size(); i++) {
                assertThat(viaTurbo.get(i)).as("%s, image %d", text, i).isEqualTo(viaOpenCv.get(i));
            }
        }
    }

    @Test
    void theSettingChoosesTheDecoderAndOpenCvDecodesWhenTurboJpegIsSwitchedOff() {
        byte[] chelsea = TestImages.resource("/fixtures/decode/chelsea.jpg");
        byte[] expected = withSetting(null, () -> {
            try (ImageDecoder decoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
                assertThat(decoder.usesTurboJpeg()).isEqualTo(TurboJpeg.loaded());
                return decoder.pixels(chelsea);
            }
        });
        assertThat(withSetting("OpenCV", () -> {
            try (ImageDecoder decoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
                assertThat(decoder.usesTurboJpeg()).isFalse();
                assertThat(TurboJpeg.inUse()).isEqualTo("JPEG decoder: OpenCV's imdecode (STREAMAUG_JPEG_DECODER=opencv)");
                return decoder.pixels(chelsea);
            }
        })).isEqualTo(expected);
        withSetting("bogus", () -> {
            assertThatThrownBy(() -> new ImageDecoder(3, ImageLimits.DEFAULT)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("STREAMAUG_JPEG_DECODER (or -Dstreamaug.jpeg.decoder) is 'bogus': use auto (TurboJPEG when"
                            + " installed, the default), turbojpeg or opencv");
            return null;
        });
        withSetting("turbojpeg", () -> {
            if (TurboJpeg.loaded()) {
                try (ImageDecoder decoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
                    assertThat(decoder.usesTurboJpeg()).isTrue();
                }
                assertThat(TurboJpeg.inUse()).startsWith("JPEG decoder: libjpeg-turbo's TurboJPEG with SIMD (/")
                        .contains("libturbojpeg.so.0");
            } else {
                assertThatThrownBy(() -> new ImageDecoder(3, ImageLimits.DEFAULT)).hasMessageContaining("install Debian's "
                        + TurboJpeg.PACKAGE);
            }
            return null;
        });
        if (!TurboJpeg.loaded()) {
            assertThat(withSetting(null, TurboJpeg::inUse)).contains("cannot be loaded").contains(TurboJpeg.PACKAGE);
        }
    }

    /** The records of {@code images} through {@code spec}, the JPEG decoder chosen by {@code setting}. */
    private static List<byte[]> records(PipelineSpec spec, List<byte[]> images, String setting) {
        return withSetting(setting, () -> {
            List<byte[]> out = new ArrayList<>();
            try (ImagePipeline pipeline = new ImagePipeline(spec, spec.normalization(), 0)) {
                for (int i = 0; i < images.size(); i++) {
                    out.add(PreparedCodec.encode(pipeline.prepare("s" + i, "d", i % 3 == 2 ? Split.VAL : Split.TRAIN, 1, 0,
                            images.get(i), Label.of(0))));
                }
            }
            return out;
        });
    }

    /** Runs {@code body} with the setting {@code value} ({@code null}: auto, whatever the environment says). */
    private static <T> T withSetting(String value, Supplier<T> body) {
        String before = System.getProperty(TurboJpeg.SETTING_PROPERTY);
        System.setProperty(TurboJpeg.SETTING_PROPERTY, value == null ? "auto" : value);
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(TurboJpeg.SETTING_PROPERTY);
            } else {
                System.setProperty(TurboJpeg.SETTING_PROPERTY, before);
            }
        }
    }

    /** "decoded" and a hash of the pixels, or "refused: " and the message. */
    private static String outcome(Supplier<byte[]> decode) {
        try {
            return "decoded " + Arrays.hashCode(decode.get());
        } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static byte[] decode(ImageDecoder decoder, ImageDecoder.Encoded image, int factor) {
        Mat out = new Mat();
        try {
            decoder.decode(image, out, factor, true);
            byte[] hwc = new byte[(int) out.total() * out.channels()];
            out.get(0, 0, hwc);
            return hwc;
        } finally {
            out.release();
        }
    }

    /** OpenCV's decoding at 1/{@code factor}, RGB or gray, as the decoder asked it before TurboJPEG. */
    private static Mat imdecode(byte[] jpeg, int factor, int channels) {
        int flags = channels == 3 ? Imgcodecs.IMREAD_COLOR : Imgcodecs.IMREAD_GRAYSCALE;
        flags |= switch (factor) {
            case 2 -> Imgcodecs.IMREAD_REDUCED_GRAYSCALE_2;
            case 4 -> Imgcodecs.IMREAD_REDUCED_GRAYSCALE_4;
            case 8 -> Imgcodecs.IMREAD_REDUCED_GRAYSCALE_8;
            default -> 0;
        };
        MatOfByte bytes = new MatOfByte(jpeg);
        Mat out = Imgcodecs.imdecode(bytes, flags | Imgcodecs.IMREAD_IGNORE_ORIENTATION);
        bytes.release();
        if (channels == 3) {
            Imgproc.cvtColor(out, out, Imgproc.COLOR_BGR2RGB);
        }
        return out;
    }

    /** {the largest absolute difference of two samples, how many samples differ}. */
    private static int[] difference(Mat a, Mat b) {
        Mat diff = new Mat();
        try {
            Core.absdiff(a, b, diff);
            Mat flat = diff.reshape(1);
            int max = (int) Core.minMaxLoc(flat).maxVal;
            return new int[] {max, Core.countNonZero(flat)};
        } finally {
            diff.release();
        }
    }

    /** A photograph-like image (the chelsea fixture resized, with a little noise), BGR or gray. */
    private static Mat photo(int height, int width, int channels) {
        Mat source = Imgcodecs.imdecode(new MatOfByte(TestImages.resource("/fixtures/decode/chelsea.jpg")),
                channels == 3 ? Imgcodecs.IMREAD_COLOR : Imgcodecs.IMREAD_GRAYSCALE);
        Mat out = new Mat();
        Imgproc.resize(source, out, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
        Mat noise = new Mat(out.size(), CvType.CV_16SC(channels));
        Core.setRNGSeed(height * 31 + width);
        Core.randn(noise, 0, 4);
        Mat noMask = new Mat();
        Core.add(out, noise, out, noMask, out.type());
        source.release();
        noise.release();
        noMask.release();
        return out;
    }

    /** {@code image} encoded as JPEG with OpenCV's {@code imwrite} parameters; {@code image} is released. */
    private static byte[] encode(Mat image, int... params) {
        MatOfByte out = new MatOfByte();
        MatOfInt parameters = new MatOfInt(params);
        try {
            assertThat(Imgcodecs.imencode(".jpg", image, out, parameters)).isTrue();
            return out.toArray();
        } finally {
            out.release();
            parameters.release();
            image.release();
        }
    }

    /** The offset of the first entropy-coded byte: after the start-of-scan segment. */
    private static int scanStart(byte[] jpeg) {
        int sos = segment(jpeg, 0xDA);
        return sos + 2 + (((jpeg[sos + 2] & 0xff) << 8) | (jpeg[sos + 3] & 0xff));
    }

    /** The offset of the first marker segment {@code 0xFF marker}, walking the segments from SOI. */
    private static int segment(byte[] jpeg, int marker) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xff) == 0xFF) {
            if ((jpeg[i + 1] & 0xff) == marker) {
                return i;
            }
            i += 2 + (((jpeg[i + 2] & 0xff) << 8) | (jpeg[i + 3] & 0xff));
        }
        throw new IllegalStateException("no marker 0x" + Integer.toHexString(marker));
    }
}
