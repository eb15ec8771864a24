package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * Permutes the colour channels by a uniformly drawn permutation (torchvision v2's
 * RandomChannelPermutation): output channel i is input channel {@code order[i]}. A grayscale image is kept.
 */
public final class ChannelShuffle extends ImageOp<ChannelShuffle.Params> {
    /** The drawn permutation. */
    public record Params(List<Integer> order) {
    }

    public ChannelShuffle(double p) {
        super(p);
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        Integer[] order = new Integer[channels];
        for (int i = 0; i < channels; i++) {
            order[i] = i;
        }
        for (int i = channels - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Params(List.of(order));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        int channels = src.channels();
        byte[] in = Uint8Math.read(src, workspace, this, 0);
        byte[] out = workspace.bytes(this, 1, in.length);
        for (int i = 0; i < in.length; i += channels) {
            for (int c = 0; c < channels; c++) {
                out[i + c] = in[i + params.order().get(c)];
            }
        }
        Uint8Math.write(out, src, dst);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("order", params.order());
    }
}
