package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Workspace;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * torchvision's arithmetic on uint8 tensors, shared by the colour ops and the policies, so that
 * they give torchvision's bytes: blends are float32 {@code ratio·a + (1 − ratio)·b}, clamped and
 * truncated back to 8 bits ({@code _blend}); gray is float32 {@code 0.2989 R + 0.587 G + 0.114 B},
 * truncated ({@code rgb_to_grayscale}). Pixels are interleaved (HWC) bytes.
 */
final class Uint8Math {
    /** The owner's scratch slot (Mat and byte buffer) for lookup tables, clear of those ops use for images and matrices. */
    private static final int TABLE_SLOT = 3;

    private Uint8Math() {
    }

    /** The pixels of {@code src} in byte buffer {@code slot} of {@code owner}. */
    static byte[] read(Mat src, Workspace workspace, Object owner, int slot) {
        byte[] pixels = workspace.bytes(owner, slot, (int) src.total() * src.channels());
        src.get(0, 0, pixels);
        return pixels;
    }

    /** Writes {@code pixels} into {@code dst}, shaped like {@code src}. */
    static void write(byte[] pixels, Mat src, Mat dst) {
        dst.create(src.rows(), src.cols(), src.type());
        dst.put(0, 0, pixels);
    }

    /** torchvision's gray level of one RGB pixel. */
    static int gray(int r, int g, int b) {
        return (int) (0.2989f * r + 0.587f * g + 0.114f * b);
    }

    /** torchvision's {@code _blend} of one value: {@code ratio} is the float32 ratio, {@code rest} float32(1 − ratio). */
    static byte blend(int value, float degenerate, float ratio, float rest) {
        float mixed = ratio * value + rest * degenerate;
        return (byte) (mixed <= 0 ? 0 : mixed >= 255 ? 255 : (int) mixed);
    }

    static int u(byte b) {
        return b & 0xff;
    }

    /**
     * Writes {@code table[v]} for every value {@code v} of {@code src} into {@code dst}, one table for
     * every channel, with OpenCV's lookup: a per-value function (a blend with a constant, a
     * threshold, a mask) computed once for each of the 256 values instead of once for each pixel.
     */
    static void lookUp(Mat src, Mat dst, byte[] table, Workspace workspace, Object owner) {
        Mat lut = workspace.mat(owner, TABLE_SLOT);
        lut.create(1, 256, CvType.CV_8UC1);
        lut.put(0, 0, table);
        Core.LUT(src, lut, dst);
    }

    /** As {@link #lookUp(Mat, Mat, byte[], Workspace, Object)} with one table per channel ({@code tables[c]}). */
    static void lookUp(Mat src, Mat dst, byte[][] tables, Workspace workspace, Object owner) {
        int channels = tables.length;
        if (channels == 1) {
            lookUp(src, dst, tables[0], workspace, owner);
            return;
        }
        byte[] interleaved = workspace.bytes(owner, TABLE_SLOT, 256 * channels);
        for (int v = 0; v < 256; v++) {
            for (int c = 0; c < channels; c++) {
                interleaved[v * channels + c] = tables[c][v];
            }
        }
        Mat lut = workspace.mat(owner, TABLE_SLOT);
        lut.create(1, 256, CvType.CV_8UC(channels));
        lut.put(0, 0, interleaved);
        Core.LUT(src, lut, dst);
    }

    /** Per-channel histograms of 256 bins. */
    static long[][] histograms(byte[] pixels, int channels) {
        long[][] hist = new long[channels][256];
        for (int c = 0; c < channels; c++) {
            long[] h = hist[c];
            for (int i = c; i < pixels.length; i += channels) {
                h[pixels[i] & 0xff]++;
            }
        }
        return hist;
    }
}
