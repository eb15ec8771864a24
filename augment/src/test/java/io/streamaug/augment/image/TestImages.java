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

    private static byte[] encode(Mat mat, String ext) {
        MatOfByte out = new MatOfByte();
        try {
            Imgcodecs.imencode(ext, mat, out);
            return out.toArray();
        } finally {
            out.release();
            mat.release();
        }
    }
}
