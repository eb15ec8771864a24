package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/**
 * Stretches each channel to the full 0..255 range (torchvision's {@code autocontrast}): x ↦ (x −
 * min)·255/(max − min), truncated; a flat channel is kept.
 */
public final class AutoContrast extends DeterministicOp {
    public AutoContrast(double p) {
        super(p);
    }

    @Override
    protected void transform(Mat src, Mat dst, Workspace workspace) {
        autoContrast(src, dst, workspace, this);
    }

    /** The kernel; {@code owner} keys its scratch buffers in {@code workspace}. */
    static void autoContrast(Mat src, Mat dst, Workspace workspace, Object owner) {
        byte[] pixels = Uint8Math.read(src, workspace, owner, 0);
        int channels = src.channels();
        int[] min = new int[channels];
        int[] max = new int[channels];
        for (int c = 0; c < channels; c++) {
            int low = 255;
            int high = 0;
            for (int i = c; i < pixels.length; i += channels) {
                int v = pixels[i] & 0xff;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
            min[c] = low;
            max[c] = high;
        }
        byte[][] tables = new byte[channels][256];
        for (int c = 0; c < channels; c++) {
            // float32 as torchvision: scale = 255 / (max − min), then (x − min)·scale truncated.
            float low = max[c] == min[c] ? 0 : min[c];
            float scale = max[c] == min[c] ? 1 : 255f / (max[c] - min[c]);
            for (int v = 0; v < 256; v++) {
                float out = (v - low) * scale;
                tables[c][v] = (byte) (out <= 0 ? 0 : out >= 255 ? 255 : (int) out);
            }
        }
        Uint8Math.lookUp(src, dst, tables, workspace, owner);
    }
}
