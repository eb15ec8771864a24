package io.streamaug.augment.image;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** Small encoded images with known pixels, made with OpenCV. */
public final class TestImages {
    private TestImages() {
    }

    /** A grayscale PNG whose pixel (r, c) is {@code (r * width + c) % 256}: every column differs. */
    public static byte[] grayPng(int height, int width) {
        OpenCv.load();
        Mat mat = new Mat(height, width, CvType.CV_8UC1);
        byte[] pixels = new byte[height * width];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 256);
        }
        mat.put(0, 0, pixels);
        return encode(mat, ".png");
    }

    /** A PNG of one colour, given as R, G, B. */
    public static byte[] solidRgbPng(int height, int width, int r, int g, int b) {
        OpenCv.load();
        Mat mat = new Mat(height, width, CvType.CV_8UC3, new org.opencv.core.Scalar(b, g, r)); // OpenCV is BGR
        return encode(mat, ".png");
    }

    /**
     * A decompression bomb: a tiny, valid 4×4 grayscale PNG whose IHDR (CRC fixed) declares
     * {@code width}×{@code height}; a decoder that trusted it would allocate width·height bytes.
     */
    public static byte[] pngDeclaring(int width, int height) {
        byte[] png = grayPng(4, 4);
        java.nio.ByteBuffer.wrap(png).putInt(16, width).putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17); // the chunk type "IHDR" and its 13 data bytes
        java.nio.ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
        return png;
    }

    /** {@code mat} (BGR, BGRA, gray; 8 or 16 bits) encoded as {@code ext}; {@code mat} is released. */
    public static byte[] encode(Mat mat, String ext) {
        OpenCv.load();
        return encodeAndRelease(mat, ext, new org.opencv.core.MatOfInt());
    }

    /** A JPEG of {@code mat} at {@code quality}; {@code mat} is released. */
    public static byte[] jpeg(Mat mat, int quality) {
        return encodeAndRelease(mat, ".jpg", new org.opencv.core.MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, quality));
    }

    /**
     * {@code jpeg} with an APP1 EXIF segment inserted after SOI, holding one IFD0 entry: Orientation
     * (tag 0x0112, SHORT) = {@code orientation} — what a phone writes for a photo taken upright in portrait
     * (6: the stored image must be turned 90° clockwise to be seen upright). Big-endian, as most cameras write it.
     */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        return withExifOrientation(jpeg, orientation, false);
    }

    /** As {@link #withExifOrientation(byte[], int)}, the TIFF structure little-endian ({@code II}) when asked. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
        byte[] tiff = littleEndian
                ? new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, IFD0 at offset 8
                    1, 0, // one entry
                    0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, // Orientation, SHORT, count 1, value
                    0, 0, 0, 0} // no next IFD
                : new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at offset 8
                    0, 1, // one entry
                    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1, value
                    0, 0, 0, 0}; // no next IFD
        byte[] exif = {'E', 'x', 'i', 'f', 0, 0};
        int length = 2 + exif.length + tiff.length;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.write(exif, 0, exif.length);
        out.write(tiff, 0, tiff.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A test resource's bytes, e.g. {@code /fixtures/decode/chelsea.jpg}. */
    public static byte[] resource(String path) {
        try (var in = TestImages.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] encodeAndRelease(Mat mat, String ext, org.opencv.core.MatOfInt params) {
        MatOfByte out = new MatOfByte();
        try {
            Imgcodecs.imencode(ext, mat, out, params);
            return out.toArray();
        } finally {
            out.release();
            params.release();
            mat.release();
        }
    }
}
