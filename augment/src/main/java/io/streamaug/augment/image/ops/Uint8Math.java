package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/**
 * torchvision's arithmetic on uint8 tensors, shared by the colour ops and the policies, so that
 * they give torchvision's bytes: blends are float32 {@code ratio·a + (1 − ratio)·b}, clamped and
 * truncated back to 8 bits ({@code _blend}); gray is float32 {@code 0.2989 R + 0.587 G + 0.114 B},
 * truncated ({@code rgb_to_grayscale}). Pixels are interleaved (HWC) bytes.
 */
final class Uint8Math {
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

    /** Applies one 256-entry table per channel ({@code tables[c]}) in place. */
    static void lookUp(byte[] pixels, int channels, byte[][] tables) {
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = tables[i % channels][pixels[i] & 0xff];
        }
    }

    /** Per-channel histograms of 256 bins. */
    static long[][] histograms(byte[] pixels, int channels) {
        long[][] hist = new long[channels][256];
        for (int i = 0; i < pixels.length; i++) {
            hist[i % channels][pixels[i] & 0xff]++;
        }
        return hist;
    }
}
