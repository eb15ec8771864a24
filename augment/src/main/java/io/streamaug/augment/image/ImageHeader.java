package io.streamaug.augment.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Width and height read from an encoded image's header, without decoding it, so that a
 * decompression bomb (a small file that decodes to gigapixels) is refused before anything is
 * allocated. Knows PNG, JPEG, GIF, BMP, WebP and PNM; anything else is refused as unrecognised,
 * with a reason of its own for TIFF (whose size sits anywhere in the file) and for a prepared
 * record sent to a raw topic.
 */
public final class ImageHeader {
    /** The declared size and format. */
    public record Size(String format, long width, long height) {
        public long pixels() {
            return width * height;
        }
    }

    private ImageHeader() {
    }

    /**
     * @throws IllegalArgumentException when the header is not one of the known formats or is cut short
     */
    public static Size read(byte[] b) {
        try {
            if (b.length >= 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
                ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
                return new Size("png", Integer.toUnsignedLong(in.getInt(16)), Integer.toUnsignedLong(in.getInt(20)));
            }
            if (b.length >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
                return jpeg(b);
            }
            if (b.length >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
                ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                return new Size("gif", in.getShort(6) & 0xffff, in.getShort(8) & 0xffff);
            }
            if (b.length >= 26 && b[0] == 'B' && b[1] == 'M') {
                ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                return new Size("bmp", Math.abs((long) in.getInt(18)), Math.abs((long) in.getInt(22)));
            }
            if (b.length >= 30 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
                return webp(b);
            }
            if (b.length >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') {
                return pnm(b);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("image header is cut short (" + b.length + " bytes)");
        }
        throw new IllegalArgumentException(unrecognised(b));
    }

    /** Why bytes are not an image this project reads, naming the kinds that are mistaken for one. */
    private static String unrecognised(byte[] b) {
        if (startsWith(b, io.streamaug.core.wire.PreparedCodec.MAGIC)) {
            return "value is a prepared record (magic 'SAUG'), not an encoded image: it was sent to a raw topic;"
                    + " send raw images to the raw images topic";
        }
        if (startsWith(b, new byte[] {'I', 'I', 42, 0}) || startsWith(b, new byte[] {'M', 'M', 0, 42})) {
            return "TIFF is not accepted: its size cannot be checked before decoding; convert it to PNG";
        }
        return "not a recognised image format (PNG, JPEG, GIF, BMP, WebP or PNM expected)";
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a JPEG ends with its end-of-image marker ({@code FF D9}) after its frame header, as a
     * whole file does: libjpeg decodes a JPEG cut short with the missing rows gray, and only warns.
     * Inside the entropy-coded data {@code FF} is always followed by {@code 00} or a restart
     * marker, so {@code FF D9} there is the real end; bytes after it (some cameras pad) are allowed.
     */
    public static boolean jpegComplete(byte[] b) {
        int frame = jpegFrame(b);
        for (int i = b.length - 2; i > frame; i--) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static Size jpeg(byte[] b) {
        int i = jpegFrame(b);
        long height = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
        long width = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
        return new Size("jpeg", width, height);
    }

    /**
     * The number of colour components a JPEG's frame header declares (1 gray, 3 YCbCr or RGB,
     * 4 CMYK or YCCK), without decoding it.
     *
     * @throws IllegalArgumentException when {@code b} is not a JPEG with a frame header
     */
    public static int jpegComponents(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        return b[jpegFrame(b) + 9] & 0xff;
    }

    /**
     * The EXIF Orientation (1..8) of a JPEG, from the IFD0 of its first APP1 segment that holds
     * EXIF data ({@code Exif\0\0}, then a TIFF header in either byte order); 1 when there is none,
     * or when the segment is cut short or the value is out of range.
     */
    public static int jpegOrientation(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length && (b[i] & 0xff) == 0xFF) {
            int marker = b[i + 1] & 0xff;
            if (marker == 0xDA || marker == 0xD9) { // start of scan, end of image: no more headers
                return 1;
            }
            if (marker == 0xD8 || marker == 0xFF || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += marker == 0xFF ? 1 : 2; // fill byte, or a marker without a length
                continue;
            }
            int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            int data = i + 4;
            int end = Math.min(b.length, i + 2 + length);
            if (marker == 0xE1 && end - data >= 6 && b[data] == 'E' && b[data + 1] == 'x' && b[data + 2] == 'i'
                    && b[data + 3] == 'f' && b[data + 4] == 0 && b[data + 5] == 0) {
                return tiffOrientation(b, data + 6, end);
            }
            i += 2 + length;
        }
        return 1;
    }

    /** The Orientation entry (tag 0x0112, a SHORT) of the IFD0 of the TIFF structure in {@code b[start, end)}. */
    private static int tiffOrientation(byte[] b, int start, int end) {
        if (end - start < 8 || b[start] != b[start + 1] || (b[start] != 'I' && b[start] != 'M')) {
            return 1;
        }
        ByteBuffer tiff = ByteBuffer.wrap(b, start, end - start).slice()
                .order(b[start] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        long ifd = Integer.toUnsignedLong(tiff.getInt(4));
        if (ifd + 2 > tiff.limit()) {
            return 1;
        }
        int entries = tiff.getShort((int) ifd) & 0xffff;
        for (int e = 0; e < entries; e++) {
            int entry = (int) ifd + 2 + 12 * e;
            if (entry + 12 > tiff.limit()) {
                return 1;
            }
            if ((tiff.getShort(entry) & 0xffff) == 0x0112) {
                int value = tiff.getShort(entry + 8) & 0xffff;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    /** The offset of the JPEG's frame header (SOF) marker. */
    private static int jpegFrame(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                i++;
                continue;
            }
            int marker = b[i + 1] & 0xff;
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return i;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            i += 2 + length;
        }
        throw new IllegalArgumentException("JPEG without a frame header (SOF) in its first " + b.length + " bytes");
    }

    private static Size webp(byte[] b) {
        String chunk = new String(b, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (chunk) {
            case "VP8 " -> new Size("webp", in.getShort(26) & 0x3fff, in.getShort(28) & 0x3fff);
            case "VP8L" -> {
                int bits = in.getInt(21);
                yield new Size("webp", (bits & 0x3fff) + 1L, ((bits >>> 14) & 0x3fff) + 1L);
            }
            case "VP8X" -> new Size("webp", 1 + ((b[24] & 0xff) | (b[25] & 0xff) << 8 | (b[26] & 0xff) << 16),
                    1 + ((b[27] & 0xff) | (b[28] & 0xff) << 8 | (b[29] & 0xff) << 16));
            default -> throw new IllegalArgumentException("WebP with an unknown chunk '" + chunk + "'");
        };
    }

    private static Size pnm(byte[] b) {
        // "P5 <w> <h> …" with whitespace and # comments between tokens.
        long[] values = new long[2];
        int found = 0;
        int i = 2;
        while (found < 2 && i < b.length && i < 1024) {
            char c = (char) (b[i] & 0xff);
            if (c == '#') {
                while (i < b.length && b[i] != '\n') {
                    i++;
                }
            } else if (Character.isDigit(c)) {
                long v = 0;
                while (i < b.length && Character.isDigit((char) b[i]) && v < 1L << 40) {
                    v = v * 10 + (b[i] - '0');
                    i++;
                }
                values[found++] = v;
                continue;
            }
            i++;
        }
        if (found < 2) {
            throw new IllegalArgumentException("PNM header without width and height");
        }
        return new Size("pnm", values[0], values[1]);
    }
}
