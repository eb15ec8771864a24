package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * Keeps the top {@code bits} bits of every channel value (torchvision's {@code posterize}), bits
 * drawn uniformly from the whole numbers in {@code [minBits, maxBits]}; 8 keeps the image, 0 makes it black.
 */
public final class Posterize extends ImageOp<Posterize.Params> {
    /** The drawn number of bits kept. */
    public record Params(int bits) {
    }

    private final int minBits;
    private final int maxBits;

    public Posterize(int minBits, int maxBits, double p) {
        super(p);
        if (minBits < 0 || maxBits > 8 || maxBits < minBits) {
            throw new IllegalArgumentException("bits_range must be whole numbers within [0, 8], got ["
                    + minBits + ", " + maxBits + "]");
        }
        this.minBits = minBits;
        this.maxBits = maxBits;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(minBits == maxBits ? minBits : minBits + random.nextInt(maxBits - minBits + 1));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        posterize(src, dst, params.bits(), workspace, this);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("bits", params.bits());
    }

    /** The kernel: value AND the mask of the top {@code bits} bits. */
    static void posterize(Mat src, Mat dst, int bits, Workspace workspace, Object owner) {
        int mask = 0xff << (8 - bits);
        byte[] table = new byte[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (byte) (v & mask);
        }
        Uint8Math.lookUp(src, dst, table, workspace, owner);
    }
}
