package io.streamaug.broker.testing;

import io.streamaug.core.Split;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.core.wire.Text;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The catalogue of bad records every stage must survive: each kind's bytes and headers, the stage
 * that must refuse it and a piece of the reason its dead letter must give. Images are made with
 * {@link ImageIO} (no OpenCV here, so every module's tests can use it), prepared records with the
 * wire codec. Good records of the same datasets are made here too, so that a test can interleave
 * them and check that each is processed.
 *
 * <p>The raw datasets: images {@value #IMAGES} (1 channel, classes {@link #CLASSES}, 28×28) and
 * text {@value #TEXT} (same classes). A test defines both before producing.
 */
public final class PoisonRecords {
    public static final String IMAGES = "poison-img";
    public static final String TEXT = "poison-txt";
    public static final List<String> CLASSES = List.of("ant", "bee", "cat");
    public static final int SIZE = 28;
    /** The largest encoded image a test's workers and stats should accept ({@code --max-image-bytes}). */
    public static final long MAX_IMAGE_BYTES = 64 * 1024;

    /** Which topic a record goes to. */
    public enum Target { RAW_IMAGES, RAW_TEXT, PREPARED }

    /**
     * One kind of record. {@code stage} is the dead letter's expected stage ({@code prepare-image},
     * {@code prepare-text}, {@code write:} followed by a topic, or {@code consumer} for whichever
     * consumer of prepared records reads it: the trainer or {@code evaluate}); {@code null} for a good
     * record. {@code reason} must occur in the dead letter's error message.
     */
    public record Kind(String name, Target target, String key, byte[] value, List<RecordHeader> headers, String stage,
            String reason) {
        public boolean poison() {
            return stage != null;
        }

        public ProducerRecord<String, byte[]> record(String topic) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach(h -> record.headers().add(h));
            return record;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private PoisonRecords() {
    }

    // ---------------------------------------------------------------- raw images

    /** The pixels of good image {@code i} (28×28, gray): a pattern that differs per image. */
    public static byte[] goodPixels(int i) {
        byte[] pixels = new byte[SIZE * SIZE];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = (byte) ((p * (i + 1) + 17 * i) % 251);
        }
        return pixels;
    }

    /** A good train image of {@value #IMAGES}, a gray PNG with {@link #goodPixels(int)}. */
    public static Kind goodImage(int i) {
        return new Kind("good image " + i, Target.RAW_IMAGES, "good-img-" + i, png(gray(goodPixels(i))),
                headers(IMAGES, Integer.toString(i % CLASSES.size()), "train"), null, null);
    }

    /**
     * Good train images whose headers look odd but keep the contract: no {@code split} header
     * (train by default) and a {@code label} header given twice with the same value. Their keys and
     * pixels are those of {@link #goodImage(int)} 12 and 13.
     */
    public static List<Kind> oddButGoodHeaders() {
        return List.of(
                new Kind("no split header (train)", Target.RAW_IMAGES, "good-img-12", png(gray(goodPixels(12))),
                        headers(IMAGES, "1", null), null, null),
                new Kind("the same label twice", Target.RAW_IMAGES, "good-img-13", png(gray(goodPixels(13))),
                        with(headers(IMAGES, "bee", "train"), "label", "bee".getBytes(StandardCharsets.UTF_8)), null, null));
    }

    /**
     * Images in a form other than the dataset's that the worker converts, as torchvision's loader
     * does: not poison. Each decodes to a uniform gray of {@link #CONVERTED_GRAY}.
     */
    public static List<Kind> convertedImages() {
        BufferedImage rgb = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        BufferedImage rgba = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
        BufferedImage deep = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                rgb.setRGB(x, y, 0x646464);
                rgba.setRGB(x, y, 0xff646464);
                deep.getRaster().setSample(x, y, 0, CONVERTED_GRAY * 257);
            }
        }
        return List.of(
                new Kind("RGB PNG into a gray dataset", Target.RAW_IMAGES, "conv-rgb", png(rgb), headers(IMAGES, "ant", "train"),
                        null, null),
                new Kind("opaque RGBA PNG", Target.RAW_IMAGES, "conv-rgba", png(rgba), headers(IMAGES, "bee", "train"), null, null),
                new Kind("16-bit gray PNG", Target.RAW_IMAGES, "conv-16bit", png(deep), headers(IMAGES, "cat", "train"), null, null));
    }

    /** The gray value every {@link #convertedImages()} image decodes to. */
    public static final int CONVERTED_GRAY = 100;

    /** Every kind of bad record on the raw images topic; all would be train images of {@value #IMAGES} but for their fault. */
    public static List<Kind> rawImages() {
        byte[] png = png(gray(goodPixels(5)));
        byte[] jpeg = encode(gray(goodPixels(6)), "jpg");
        List<Kind> kinds = new ArrayList<>();
        String image = "prepare-image";
        kinds.add(kind("no key", null, png, headers(IMAGES, "0", "train"), image, "no key"));
        kinds.add(kind("empty key", "", png, headers(IMAGES, "0", "train"), image, "no key"));
        kinds.add(kind("no dataset header", "p-nodataset", png, headers(null, "0", "train"), image, "no 'dataset' header"));
        kinds.add(kind("unknown dataset", "p-unknown-dataset", png, headers("no-such-dataset", "0", "train"), image,
                "dataset 'no-such-dataset' is not defined"));
        kinds.add(kind("text dataset on the images topic", "p-text-dataset", png, headers(TEXT, "0", "train"), image,
                "is text, but this record came through the images topic"));
        kinds.add(kind("no label header", "p-nolabel", png, headers(IMAGES, null, "train"), image, "no label"));
        kinds.add(kind("empty label", "p-emptylabel", png, headers(IMAGES, "", "train"), image, "no label"));
        kinds.add(kind("label index beyond the classes", "p-label-7", png, headers(IMAGES, "7", "train"), image,
                "label '7' is not a class"));
        kinds.add(kind("negative label", "p-label-neg", png, headers(IMAGES, "-1", "train"), image, "label '-1' is not a class"));
        kinds.add(kind("unknown class name", "p-label-name", png, headers(IMAGES, "Hat", "train"), image,
                "label 'Hat' is not a class"));
        kinds.add(kind("bogus split", "p-split", png, headers(IMAGES, "0", "bogus"), image, "split 'bogus' is not one of"));
        kinds.add(kind("negative epoch", "p-epoch", png, with(headers(IMAGES, "0", "train"), "epoch", "-3".getBytes(StandardCharsets.UTF_8)),
                image, "header 'epoch' is '-3'"));
        kinds.add(kind("conflicting duplicate label headers", "p-dup-label", png,
                with(headers(IMAGES, "0", "train"), "label", "2".getBytes(StandardCharsets.UTF_8)), image, "header 'label' appears 2 times"));
        kinds.add(kind("dataset header not UTF-8", "p-utf8-dataset", png, with(headers(null, "0", "train"), "dataset",
                new byte[] {'p', (byte) 0xC3, (byte) 0x28}), image, "header 'dataset' is not valid UTF-8"));
        kinds.add(kind("label header not UTF-8", "p-utf8-label", png, with(headers(IMAGES, null, "train"), "label",
                new byte[] {(byte) 0xFF, (byte) 0xFE}), image, "header 'label' is not valid UTF-8"));
        kinds.add(kind("empty value", "p-empty", new byte[0], headers(IMAGES, "0", "train"), image, "record value is empty"));
        kinds.add(kind("null value", "p-null", null, headers(IMAGES, "0", "train"), image, "record value is empty"));
        kinds.add(kind("random bytes", "p-random", random(3000, 1), headers(IMAGES, "0", "train"), image,
                "not a recognised image format"));
        kinds.add(kind("oversized value", "p-oversized", png(gray(random(300 * 300, 2), 300)), headers(IMAGES, "0", "train"),
                image, "more than the limit of " + MAX_IMAGE_BYTES));
        kinds.add(kind("PNG decompression bomb", "p-png-bomb", pngDeclaring(png, 100_000, 100_000), headers(IMAGES, "0", "train"),
                image, "100000×100000 = 10000000000 pixels, more than the limit"));
        kinds.add(kind("JPEG claiming 65535×65535", "p-jpeg-bomb", jpegDeclaring(jpeg, 65535, 65535),
                headers(IMAGES, "0", "train"), image, "65535×65535"));
        kinds.add(kind("PNG of zero width", "p-png-zero", pngDeclaring(png, 0, SIZE), headers(IMAGES, "0", "train"), image,
                "declares an empty image"));
        kinds.add(kind("PNG with a bad CRC", "p-png-crc", badIdatCrc(png), headers(IMAGES, "0", "train"), image,
                "not an image OpenCV can decode"));
        kinds.add(kind("PNG cut at half", "p-png-half", Arrays.copyOf(png, png.length / 2), headers(IMAGES, "0", "train"), image,
                "not an image OpenCV can decode"));
        kinds.add(kind("PNG signature and header only", "p-png-header", Arrays.copyOf(png, 33), headers(IMAGES, "0", "train"),
                image, "not an image OpenCV can decode"));
        kinds.add(kind("JPEG cut at half", "p-jpeg-half", Arrays.copyOf(jpeg, jpeg.length / 2), headers(IMAGES, "0", "train"),
                image, "JPEG is truncated"));
        kinds.add(kind("JPEG without a frame header", "p-jpeg-nosof", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF,
            (byte) 0xFE, 0, 8, 'h', 'e', 'l', 'l', 'o', '!', 0, 0, 0}, headers(IMAGES, "0", "train"), image,
                "JPEG without a frame header"));
        kinds.add(kind("GIF", "p-gif", encode(indexed(goodPixels(7)), "gif"), headers(IMAGES, "0", "train"), image,
                "GIF"));
        kinds.add(kind("TIFF", "p-tiff", encode(gray(goodPixels(8)), "tiff"), headers(IMAGES, "0", "train"), image,
                "TIFF"));
        byte[] bmp = encode(rgb(goodPixels(9)), "bmp");
        kinds.add(kind("BMP cut at half", "p-bmp-half", Arrays.copyOf(bmp, bmp.length / 2), headers(IMAGES, "0", "train"), image,
                "not an image OpenCV can decode"));
        kinds.add(kind("prepared record on the raw images topic", "p-prepared-on-raw", preparedImage("p-prepared-on-raw", Split.TRAIN, 0),
                headers(IMAGES, "0", "train"), image, "a prepared record"));
        kinds.add(kind("text on the images topic", "p-text-value", "a cat sat on the mat".getBytes(StandardCharsets.UTF_8),
                headers(IMAGES, "2", "train"), image, "not a recognised image format"));
        return List.copyOf(kinds);
    }

    // ---------------------------------------------------------------- raw text

    /** A good train text of {@value #TEXT}. */
    public static Kind goodText(int i) {
        return new Kind("good text " + i, Target.RAW_TEXT, "good-txt-" + i,
                ("the quick brown fox number " + i + " jumps over the lazy dog").getBytes(StandardCharsets.UTF_8),
                headers(TEXT, Integer.toString(i % CLASSES.size()), "train"), null, null);
    }

    /**
     * Every kind of bad record on the raw text topic. {@code maxPreparedBytes} is what the worker
     * may write to a prepared topic: the enormous text is larger.
     */
    public static List<Kind> rawText(int maxPreparedBytes) {
        String text = "prepare-text";
        byte[] ok = "a perfectly good sentence".getBytes(StandardCharsets.UTF_8);
        List<Kind> kinds = new ArrayList<>();
        kinds.add(textKind("text: no key", null, ok, headers(TEXT, "0", "train"), text, "no key"));
        kinds.add(textKind("text: unknown dataset", "t-unknown", ok, headers("no-such-text", "0", "train"), text,
                "dataset 'no-such-text' is not defined"));
        kinds.add(textKind("image dataset on the text topic", "t-image-dataset", ok, headers(IMAGES, "0", "train"), text,
                "is images, but this record came through the text topic"));
        kinds.add(textKind("text: label beyond the classes", "t-label", ok, headers(TEXT, "3", "train"), text,
                "label '3' is not a class"));
        kinds.add(textKind("text: bogus split", "t-split", ok, headers(TEXT, "0", "bogus"), text, "split 'bogus'"));
        kinds.add(textKind("text not UTF-8", "t-utf8", new byte[] {'a', ' ', (byte) 0xC0, (byte) 0xAF, 'b'},
                headers(TEXT, "0", "train"), text, "not valid UTF-8"));
        kinds.add(textKind("empty text", "t-empty", new byte[0], headers(TEXT, "0", "train"), text, "record value is empty"));
        kinds.add(textKind("whitespace-only text", "t-blank", " \t\n  ".getBytes(StandardCharsets.UTF_8),
                headers(TEXT, "0", "train"), text, "record value is blank"));
        kinds.add(textKind("prepared record on the raw text topic", "t-prepared-on-raw", preparedText("t-prepared-on-raw"),
                headers(TEXT, "0", "train"), text, "a prepared record"));
        byte[] enormous = ("word ".repeat(maxPreparedBytes / 5 + 1000)).getBytes(StandardCharsets.UTF_8);
        kinds.add(textKind("enormous text", "t-enormous", enormous, headers(TEXT, "1", "val"), "write:", "max.message.bytes"));
        return List.copyOf(kinds);
    }

    // ---------------------------------------------------------------- prepared records

    /** The normalisation a good prepared record of {@value #IMAGES} carries: pixels/255, centred. */
    private static final float[] SCALE = {1 / 255f};
    private static final float[] OFFSET = {-0.5f};

    /** A good prepared image (1×28×28 uint8) of {@value #IMAGES} in {@code split}, class {@code i % 3}. */
    public static Kind goodPrepared(int i, Split split, long statsVersion) {
        String key = "good-prep-" + split.name().toLowerCase(java.util.Locale.ROOT) + "-" + i;
        return new Kind("good prepared " + i, Target.PREPARED, key,
                PreparedCodec.encode(sample(key, split, statsVersion, Tensor.uint8(1, SIZE, SIZE, goodPixels(i), SCALE, OFFSET),
                        new Label.Hard(i % CLASSES.size()))), List.of(), null, null);
    }

    /** A prepared record of another dataset: not poison, passed over. */
    public static Kind otherDatasetPrepared(Split split, long statsVersion) {
        PreparedSample other = new PreparedSample("other-ds", "another-dataset", split, 0, 0, statsVersion,
                Tensor.uint8(1, 4, 4, new byte[16], SCALE, OFFSET), new Label.Hard(0), List.of());
        return new Kind("another dataset's record", Target.PREPARED, "other-ds", PreparedCodec.encode(other), List.of(), null, null);
    }

    /**
     * Every kind of bad record on a prepared topic (augmented train, val or test) of a model of
     * {@value #IMAGES} (1×28×28, three classes) that trains on statistics version {@code statsVersion}.
     */
    public static List<Kind> prepared(Split split, long statsVersion) {
        String c = "consumer";
        List<Kind> kinds = new ArrayList<>();
        byte[] good = preparedImage("x-ok", split, statsVersion);
        kinds.add(prep("raw PNG on a prepared topic", "x-raw-png", png(gray(goodPixels(1))), c, "not a prepared record"));
        kinds.add(prep("empty value", "x-empty", new byte[0], c, "prepared record truncated: 0 bytes"));
        kinds.add(prep("null value", "x-null", null, c, "prepared record is null"));
        kinds.add(prep("random bytes", "x-random", random(500, 3), c, "not a prepared record"));
        byte[] v2 = good.clone();
        v2[4] = 2;
        kinds.add(prep("unknown wire version", "x-version", v2, c, "version 2 is not supported"));
        kinds.add(prep("prepared record cut at half", "x-truncated", Arrays.copyOf(good, good.length / 2), c,
                "tensor data claims 784 bytes but only"));
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        kinds.add(prep("trailing bytes", "x-trailing", trailing, c, "unexpected bytes after the end"));
        kinds.add(prep("wrong tensor shape", "x-shape", PreparedCodec.encode(sample("x-shape", split, statsVersion,
                Tensor.uint8(1, 14, 14, new byte[14 * 14], SCALE, OFFSET), new Label.Hard(0))), c, "is 1×14×14"));
        kinds.add(prep("three channels for a gray model", "x-channels", PreparedCodec.encode(sample("x-channels", split, statsVersion,
                Tensor.uint8(3, SIZE, SIZE, new byte[3 * SIZE * SIZE], new float[] {1, 1, 1}, new float[3]), new Label.Hard(0))), c,
                "is 3×28×28"));
        float[] nan = new float[SIZE * SIZE];
        Arrays.fill(nan, Float.NaN);
        kinds.add(prep("NaN-filled tensor", "x-nan", PreparedCodec.encode(sample("x-nan", split, statsVersion,
                Tensor.ofFloats(Dtype.FLOAT32, 1, SIZE, SIZE, nan), new Label.Hard(0))), c, "NaN"));
        float[] inf = new float[SIZE * SIZE];
        inf[100] = Float.POSITIVE_INFINITY;
        kinds.add(prep("infinite value", "x-inf", PreparedCodec.encode(sample("x-inf", split, statsVersion,
                Tensor.ofFloats(Dtype.FLOAT32, 1, SIZE, SIZE, inf), new Label.Hard(0))), c, "Infinity"));
        kinds.add(prep("class beyond the model's", "x-class", PreparedCodec.encode(sample("x-class", split, statsVersion,
                Tensor.uint8(1, SIZE, SIZE, goodPixels(2), SCALE, OFFSET), new Label.Hard(7))), c, "has class 7"));
        kinds.add(prep("no label", "x-nolabel", PreparedCodec.encode(sample("x-nolabel", split, statsVersion,
                Tensor.uint8(1, SIZE, SIZE, goodPixels(2), SCALE, OFFSET), Label.none())), c, "has no label"));
        kinds.add(prep("soft label over other classes", "x-soft", PreparedCodec.encode(sample("x-soft", split, statsVersion,
                Tensor.uint8(1, SIZE, SIZE, goodPixels(2), SCALE, OFFSET), new Label.Soft(new float[] {0.5f, 0.5f}))), c,
                "soft label over 2 classes"));
        kinds.add(prep("text for an image model", "x-text", preparedText("x-text", split, statsVersion), c, "is text"));
        kinds.add(prep("other statistics version", "x-stats", preparedImage("x-stats", split, statsVersion + 7), c,
                "normalised with stats version " + (statsVersion + 7)));
        return List.copyOf(kinds);
    }

    // ---------------------------------------------------------------- helpers

    private static Kind kind(String name, String key, byte[] value, List<RecordHeader> headers, String stage, String reason) {
        return new Kind(name, Target.RAW_IMAGES, key, value, headers, stage, reason);
    }

    private static Kind textKind(String name, String key, byte[] value, List<RecordHeader> headers, String stage, String reason) {
        return new Kind(name, Target.RAW_TEXT, key, value, headers, stage, reason);
    }

    private static Kind prep(String name, String key, byte[] value, String stage, String reason) {
        return new Kind(name, Target.PREPARED, key, value, List.of(), stage, reason);
    }

    /** Raw headers; a {@code null} value leaves the header out. */
    public static List<RecordHeader> headers(String dataset, String label, String split) {
        List<RecordHeader> headers = new ArrayList<>();
        if (dataset != null) {
            headers.add(new RecordHeader("dataset", dataset.getBytes(StandardCharsets.UTF_8)));
        }
        if (label != null) {
            headers.add(new RecordHeader("label", label.getBytes(StandardCharsets.UTF_8)));
        }
        if (split != null) {
            headers.add(new RecordHeader("split", split.getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }

    private static List<RecordHeader> with(List<RecordHeader> headers, String key, byte[] value) {
        List<RecordHeader> out = new ArrayList<>(headers);
        out.add(new RecordHeader(key, value));
        return out;
    }

    private static PreparedSample sample(String id, Split split, long statsVersion, io.streamaug.core.wire.Payload payload,
            Label label) {
        return new PreparedSample(id, IMAGES, split, 0, 0, statsVersion, payload, label, List.of());
    }

    private static byte[] preparedImage(String id, Split split, long statsVersion) {
        return PreparedCodec.encode(sample(id, split, statsVersion, Tensor.uint8(1, SIZE, SIZE, goodPixels(3), SCALE, OFFSET),
                new Label.Hard(1)));
    }

    private static byte[] preparedText(String id) {
        return preparedText(id, Split.TRAIN, 0);
    }

    private static byte[] preparedText(String id, Split split, long statsVersion) {
        return PreparedCodec.encode(new PreparedSample(id, IMAGES, split, 0, 0, statsVersion, new Text("a text"), new Label.Hard(0),
                List.of()));
    }

    private static byte[] random(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static BufferedImage gray(byte[] pixels) {
        return gray(pixels, SIZE);
    }

    private static BufferedImage gray(byte[] pixels, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, size, size, pixels);
        return image;
    }

    private static BufferedImage rgb(byte[] pixels) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
        for (int p = 0; p < pixels.length; p++) {
            int v = pixels[p] & 0xff;
            image.setRGB(p % SIZE, p / SIZE, v << 16 | v << 8 | v);
        }
        return image;
    }

    private static BufferedImage indexed(byte[] pixels) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_INDEXED);
        for (int p = 0; p < pixels.length; p++) {
            int v = pixels[p] & 0xff;
            image.setRGB(p % SIZE, p / SIZE, v << 16 | v << 8 | v);
        }
        return image;
    }

    private static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("ImageIO has no " + format + " writer for this image");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code png} with an IHDR (CRC fixed) declaring {@code width}×{@code height}: a decompression bomb. */
    private static byte[] pngDeclaring(byte[] png, int width, int height) {
        byte[] bomb = png.clone();
        ByteBuffer.wrap(bomb).putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(bomb, 12, 17);
        ByteBuffer.wrap(bomb).putInt(29, (int) crc.getValue());
        return bomb;
    }

    /** {@code png} with its first IDAT chunk's CRC flipped. */
    private static byte[] badIdatCrc(byte[] png) {
        byte[] bad = png.clone();
        int i = 8;
        while (i + 8 < bad.length) {
            int length = ByteBuffer.wrap(bad).getInt(i);
            String type = new String(bad, i + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("IDAT")) {
                bad[i + 8 + length] ^= (byte) 0xFF;
                return bad;
            }
            i += 12 + length;
        }
        throw new IllegalStateException("PNG without IDAT");
    }

    /** {@code jpeg} with its frame header (SOF) declaring {@code width}×{@code height}. */
    private static byte[] jpegDeclaring(byte[] jpeg, int width, int height) {
        byte[] bomb = jpeg.clone();
        int i = 2;
        while (i + 9 < bomb.length) {
            int marker = bomb[i + 1] & 0xff;
            if (marker >= 0xC0 && marker <= 0xC3) {
                ByteBuffer.wrap(bomb).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
                return bomb;
            }
            i += 2 + (((bomb[i + 2] & 0xff) << 8) | (bomb[i + 3] & 0xff));
        }
        throw new IllegalStateException("JPEG without SOF");
    }
}
