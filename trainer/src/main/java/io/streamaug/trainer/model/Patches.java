package io.streamaug.trainer.model;

import java.util.Arrays;

/**
 * The patch matrix of a stride-1 "same" convolution and its transpose, as loops over Java arrays.
 * With x of shape [N, C, H, W] (row-major) and an odd kH×kW kernel, the patch matrix P has shape
 * [C, kH, kW, N, H, W]: P[c, i, j, n, y, x] = x[n, c, y + i − kH/2, x + j − kW/2], zero outside
 * the image. {@link #gather} writes P from x; {@link #scatter} sums a gradient shaped like P back
 * onto the image it was gathered from, which is P's transpose applied to it (col2im). Each row of
 * W values is one shifted run of an input row, so both loops stream through memory.
 */
final class Patches {
    private Patches() {
    }

    /** Fills {@code p} (C·kH·kW·N·H·W values) with the patches of {@code x} (N·C·H·W values). */
    static void gather(float[] x, int n, int c, int h, int w, int kH, int kW, float[] p) {
        int block = n * h * w;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kH; i++) {
                int shiftY = i - kH / 2;
                for (int j = 0; j < kW; j++) {
                    int shiftX = j - kW / 2;
                    int from = Math.max(0, -shiftX); // the columns whose source column lies inside the row
                    int to = Math.min(w, w - shiftX);
                    int base = ((ch * kH + i) * kW + j) * block;
                    for (int e = 0; e < n; e++) {
                        for (int y = 0; y < h; y++) {
                            int o = base + (e * h + y) * w;
                            int sourceY = y + shiftY;
                            if (sourceY < 0 || sourceY >= h || from >= to) {
                                Arrays.fill(p, o, o + w, 0f);
                                continue;
                            }
                            int s = ((e * c + ch) * h + sourceY) * w + shiftX;
                            for (int k = 0; k < from; k++) {
                                p[o + k] = 0f;
                            }
                            for (int k = from; k < to; k++) {
                                p[o + k] = x[s + k];
                            }
                            for (int k = to; k < w; k++) {
                                p[o + k] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /** Sets {@code dx} (N·C·H·W values) to the sum, over the patches that hold each input value, of its entries in {@code dp}. */
    static void scatter(float[] dp, int n, int c, int h, int w, int kH, int kW, float[] dx) {
        Arrays.fill(dx, 0, n * c * h * w, 0f);
        int block = n * h * w;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kH; i++) {
                int shiftY = i - kH / 2;
                for (int j = 0; j < kW; j++) {
                    int shiftX = j - kW / 2;
                    int from = Math.max(0, -shiftX);
                    int to = Math.min(w, w - shiftX);
                    int base = ((ch * kH + i) * kW + j) * block;
                    for (int e = 0; e < n; e++) {
                        for (int y = 0; y < h; y++) {
                            int sourceY = y + shiftY;
                            if (sourceY < 0 || sourceY >= h) {
                                continue;
                            }
                            int o = base + (e * h + y) * w;
                            int s = ((e * c + ch) * h + sourceY) * w + shiftX;
                            for (int k = from; k < to; k++) {
                                dx[s + k] += dp[o + k];
                            }
                        }
                    }
                }
            }
        }
    }
}
