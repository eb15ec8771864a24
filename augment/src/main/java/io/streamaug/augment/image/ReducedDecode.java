package io.streamaug.augment.image;

import io.streamaug.augment.image.ops.RandomResizedCrop;
import io.streamaug.augment.image.ops.Resize;
import io.streamaug.augment.spec.Step;
import java.util.Arrays;
import java.util.List;

/**
 * How much smaller than stored a JPEG may be decoded for a list of steps: libjpeg scales in the
 * DCT domain by 1/2, 1/4 or 1/8, which costs a fraction of a full decode and is a better low-pass
 * than resizing afterwards. A reduction is chosen only when the steps begin with an op that
 * applies to every sample and shrinks the image at least that much anyway — a
 * {@link RandomResizedCrop} or a {@link Resize} with {@code p: 1} that no class skips — and it is
 * the largest one that
 * <ul>
 *   <li>for {@code Resize}: leaves the output size unchanged (the shorter-side form computes the
 *       other side from the input's aspect ratio, which rounding of the reduced size could change),
 *       and leaves at least the output's pixels in each dimension, so that the resize never enlarges;</li>
 *   <li>for {@code RandomResizedCrop}: leaves at least the output's pixels in each dimension of the
 *       smallest box the crop can draw. A drawn box has area ≥ {@code scale_min} · H · W and aspect
 *       ratio r (width / height) in {@code ratio_range}, so its width is at least
 *       √(scale_min · H · W · ratio_min) and its height at least √(scale_min · H · W / ratio_max); the
 *       fallback after ten failed tries (the largest centred box with the ratio in range) must fit
 *       too. Every box the crop can take is then resized down (or not at all), never up, from the
 *       reduced image.</li>
 * </ul>
 * The crop is drawn on the reduced image, so its box (and the trace's coordinates) are in the
 * reduced image's pixels; the distribution of boxes, as shares of the image, is the same. The
 * choice depends only on the header's size and the spec: deterministic for every worker.
 */
public final class ReducedDecode {
    /** Always decode at full size. */
    public static final ReducedDecode NONE = new ReducedDecode(null);

    private static final int[] FACTORS = {8, 4, 2};

    private final ImageOp<?> first;

    private ReducedDecode(ImageOp<?> first) {
        this.first = first;
    }

    /** The plan for {@code steps}: reductions when their first step allows them, else {@link #NONE}. */
    public static ReducedDecode forSteps(List<Step> steps) {
        if (steps.isEmpty() || !(steps.get(0) instanceof Step.Op step) || step.op().p() < 1
                || !step.rule().forbidden().isEmpty()) {
            return NONE;
        }
        return step.op() instanceof RandomResizedCrop || step.op() instanceof Resize ? new ReducedDecode(step.op()) : NONE;
    }

    /**
     * The reduction, 8, 4, 2 or 1, for an image stored as {@code height × width}.
     *
     * @param mayRotate the decoder may turn the image a quarter (EXIF orientation): then the
     *                  reduction must suit both orientations, as the header's size is the stored one
     */
    public int factor(long height, long width, boolean mayRotate) {
        if (first == null) {
            return 1;
        }
        for (int k : FACTORS) {
            // libjpeg's scaled size rounds up (jdiv_round_up).
            long h = (height + k - 1) / k;
            long w = (width + k - 1) / k;
            if (suits(height, width, h, w) && (!mayRotate || suits(width, height, w, h))) {
                return k;
            }
        }
        return 1;
    }

    private boolean suits(long fullHeight, long fullWidth, long height, long width) {
        int[] out = first.outputSize((int) height, (int) width);
        if (first instanceof Resize) {
            return Arrays.equals(out, first.outputSize((int) fullHeight, (int) fullWidth)) && height >= out[0]
                    && width >= out[1];
        }
        RandomResizedCrop crop = (RandomResizedCrop) first;
        double smallestArea = crop.scaleRange().min() * height * width;
        double narrowest = Math.sqrt(smallestArea * crop.ratioRange().min());
        double lowest = Math.sqrt(smallestArea / crop.ratioRange().max());
        if (narrowest < out[1] || lowest < out[0]) {
            return false;
        }
        double ratio = (double) width / height; // the fallback box, as RandomResizedCrop makes it
        double fallbackWidth = ratio > crop.ratioRange().max() ? height * crop.ratioRange().max() : width;
        double fallbackHeight = ratio < crop.ratioRange().min() ? width / crop.ratioRange().min() : height;
        return fallbackWidth >= out[1] && fallbackHeight >= out[0];
    }

    @Override
    public String toString() {
        return first == null ? "ReducedDecode[none]" : "ReducedDecode[" + first.name() + "]";
    }
}
