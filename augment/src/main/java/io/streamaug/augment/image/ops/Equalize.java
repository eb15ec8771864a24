package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/**
 * Equalizes each channel's histogram with torchvision's table ({@code equalize}): the cumulative
 * histogram in steps of (pixels − count of the last used level)/255; a channel with too few levels
 * is kept.
 */
public final class Equalize extends DeterministicOp {
    public Equalize(double p) {
        super(p);
    }

    @Override
    protected void transform(Mat src, Mat dst, Workspace workspace) {
        equalize(src, dst, workspace, this);
    }

    /** The kernel; {@code owner} keys its scratch buffers in {@code workspace}. */
    static void equalize(Mat src, Mat dst, Workspace workspace, Object owner) {
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        int channels = src.channels();
        long[][] histograms = Uint8Math.histograms(pixels, channels);
        byte[][] tables = new byte[channels][256];
        for (int c = 0; c < channels; c++) {
            long[] hist = histograms[c];
            long total = 0;
            long last = 0;
            for (long count : hist) {
                total += count;
                last = count > 0 ? count : last;
            }
            long step = (total - last) / 255;
            for (int v = 0; v < 256; v++) {
                tables[c][v] = (byte) v;
            }
            if (step == 0) {
                continue;
            }
            long cumulative = 0;
            for (int v = 0; v < 256; v++) { // the table is shifted by one: level v maps from the count below it
                tables[c][v] = (byte) Math.min(255, (cumulative + step / 2) / step);
                cumulative += hist[v];
            }
        }
        Uint8Math.lookUp(src, dst, tables, workspace, owner);
    }
}
