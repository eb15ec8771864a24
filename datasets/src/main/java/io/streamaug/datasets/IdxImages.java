package io.streamaug.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file pair (images idx3-ubyte, labels idx1-ubyte), as MNIST and Fashion-MNIST ship them,
 * gzipped or not, read fully into memory (Fashion-MNIST's train set is 47 MB).
 */
public record IdxImages(int count, int height, int width, byte[] pixels, byte[] labels) {

    /** The pixels of image {@code i} (row-major, one byte each) copied into {@code dst}. */
    public void copyImage(int i, byte[] dst) {
        System.arraycopy(pixels, i * height * width, dst, 0, height * width);
    }

    /** The first {@code n} images and labels. */
    public IdxImages first(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException("cannot take " + n + " of " + count + " images");
        }
        return new IdxImages(n, height, width, java.util.Arrays.copyOf(pixels, n * height * width),
                java.util.Arrays.copyOf(labels, n));
    }

    public int label(int i) {
        return labels[i] & 0xff;
    }

    /**
     * Reads an images stream and a labels stream (each may be gzipped: detected by its magic).
     *
     * @param limit read at most this many images (≤ 0: all)
     * @throws IOException with a message naming {@code what} when a file is not IDX or is cut short
     */
    public static IdxImages read(InputStream images, InputStream labels, int limit, String what) throws IOException {
        try (DataInputStream img = open(images); DataInputStream lab = open(labels)) {
            int imagesMagic = img.readInt();
            if (imagesMagic != 0x00000803) {
                throw new IOException(what + ": images file is not IDX3 unsigned-byte (magic "
                        + Integer.toHexString(imagesMagic) + ")");
            }
            int count = img.readInt();
            int height = img.readInt();
            int width = img.readInt();
            int labelsMagic = lab.readInt();
            if (labelsMagic != 0x00000801) {
                throw new IOException(what + ": labels file is not IDX1 unsigned-byte (magic "
                        + Integer.toHexString(labelsMagic) + ")");
            }
            int labelCount = lab.readInt();
            if (labelCount != count) {
                throw new IOException(what + ": " + count + " images but " + labelCount + " labels");
            }
            if (count < 0 || height <= 0 || width <= 0 || (long) height * width > 16_777_216) {
                throw new IOException(what + ": implausible IDX header " + count + "×" + height + "×" + width);
            }
            int n = limit > 0 ? Math.min(limit, count) : count;
            byte[] pixels = new byte[Math.multiplyExact(n, height * width)];
            byte[] labelBytes = new byte[n];
            img.readFully(pixels);
            lab.readFully(labelBytes);
            return new IdxImages(n, height, width, pixels, labelBytes);
        } catch (EOFException e) {
            throw new IOException(what + ": file ends before the count in its header", e);
        }
    }

    private static DataInputStream open(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        InputStream data = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
        return new DataInputStream(new BufferedInputStream(data, 1 << 16));
    }
}
