package io.streamaug.augment.image;

import io.streamaug.augment.image.ops.RandomResizedCrop;
import io.streamaug.augment.image.ops.Resize;
import io.streamaug.augment.spec.Step;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * How much smaller than stored a JPEG may be decoded for a list of steps: libjpeg scales in the
 * DCT domain by 1/2, 1/4 or 1/8, which costs a fraction of a full decode and is a better low-pass
 * than resizing afterwards. A reduction is possible only when the steps begin with an op that
 * applies to every sample and shrinks the image anyway — a {@link Resize} or a
 * {@link RandomResizedCrop} with {@code p: 1} that no class skips — and it is the largest one that
 * <ul>
 *   <li>for {@code Resize}, chosen from the header ({@link #factor}): leaves the output size
 *       unchanged (the shorter-side form computes the other side from the input's aspect ratio,
 *       which rounding of the reduced size could change), and leaves at least the output's pixels
 *       in each dimension, so that the resize never enlarges;</li>
 *   <li>for {@code RandomResizedCrop}, chosen per sample ({@link #drawCrop}): leaves at least the
 *       output's pixels in each dimension of the box this sample's crop takes. The box is drawn
 *       first, from the sample's generator, on the full image's size (from the header, turned by
 *       the EXIF orientation) — the very draws a full decode makes — then mapped into the reduced
 *       image; the crop cuts the mapped box from the reduced image. So the crop takes the same
 *       share of the image whether decoded reduced or not, and shrinks the box (or keeps its size)
 *       whenever it would have from a full decode, never enlarges it.</li>
 * </ul>
 * Either choice depends only on the record and the spec: the same on every worker, every time.
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
     * Whether the steps begin with an op that applies to every sample and works on each channel
     * alone: the {@code Resize} or {@code RandomResizedCrop} a reduction is chosen for. A colour
     * image may then reach it in the decoder's BGR order and be turned to RGB after it, on its
     * output, which is the same as turning it before and most often has far fewer pixels.
     */
    public boolean firstOpPerChannel() {
        return first != null;
    }

    /** Whether the reduction is chosen per sample, from the box of a first {@code RandomResizedCrop} ({@link #drawCrop}). */
    public boolean perSample() {
        return first instanceof RandomResizedCrop;
    }

    /**
     * The reduction, 8, 4, 2 or 1, for an image stored as {@code height × width}, when the first op
     * is a {@code Resize}; 1 otherwise (a crop's reduction depends on its box: {@link #drawCrop}).
     *
     * @param mayRotate the decoder may turn the image a quarter (EXIF orientation): then the
     *                  reduction must suit both orientations, as the header's size is the stored one
     */
    public int factor(long height, long width, boolean mayRotate) {
        if (!(first instanceof Resize resize)) {
            return 1;
        }
        for (int k : FACTORS) {
            // libjpeg's scaled size rounds up (jdiv_round_up).
            long h = (height + k - 1) / k;
            long w = (width + k - 1) / k;
            if (suits(resize, height, width, h, w) && (!mayRotate || suits(resize, width, height, w, h))) {
                return k;
            }
        }
        return 1;
    }

    private static boolean suits(Resize resize, long fullHeight, long fullWidth, long height, long width) {
        int[] out = resize.outputSize((int) height, (int) width);
        return Arrays.equals(out, resize.outputSize((int) fullHeight, (int) fullWidth)) && height >= out[0]
                && width >= out[1];
    }

    /**
     * Draws the first op's box for one sample before its image is decoded, and the reduction for
     * it: the toss of {@code p} and the box come from {@code random} exactly as the step runner
     * draws them from a full decode, on the size a full decode has; the reduction is the largest
     * at which the box, mapped into the reduced image, still holds the output's pixels each way.
     *
     * @param image    a JPEG the decoder may reduce, inspected
     * @param channels the channel count the image decodes to
     * @throws IllegalStateException when the plan is not {@link #perSample()}
     */
    Crop drawCrop(RandomGenerator random, ImageDecoder.Encoded image, int channels) {
        if (!(first instanceof RandomResizedCrop crop)) {
            throw new IllegalStateException("only a first RandomResizedCrop is drawn before decoding, not " + this);
        }
        ImageOp<RandomResizedCrop.Params> op = crop; // the op's own sample(), reached from ImageOp's package
        op.toss(random); // p is 1, so it applies; the toss is drawn all the same, as the step runner draws it
        RandomResizedCrop.Params box = op.sample(random, image.height(), image.width(), channels);
        int[] out = crop.outputSize(image.height(), image.width());
        for (int k : FACTORS) {
            RandomResizedCrop.Params reduced = reduce(box, k, image);
            if (reduced.boxHeight() >= out[0] && reduced.boxWidth() >= out[1]) {
                return new Crop(crop, box, k, reduced);
            }
        }
        return new Crop(crop, box, 1, box);
    }

    /** {@code box}, in the full upright image's pixels, in the pixels of the image decoded at 1/k. */
    static RandomResizedCrop.Params reduce(RandomResizedCrop.Params box, int k, ImageDecoder.Encoded image) {
        boolean rows = image.orientation().reversesRows();
        boolean columns = image.orientation().reversesColumns();
        int top = edge(box.top(), k, image.height(), rows);
        int bottom = edge(box.top() + box.boxHeight(), k, image.height(), rows);
        int left = edge(box.left(), k, image.width(), columns);
        int right = edge(box.left() + box.boxWidth(), k, image.width(), columns);
        return new RandomResizedCrop.Params(top, left, bottom - top, right - left);
    }

    /**
     * Where the pixel edge {@code x} of a full image's side of {@code size} pixels falls in the
     * image decoded at 1/k, rounded to the nearest edge there. libjpeg's reduced pixel j covers the
     * stored pixels [jk, jk + k), and its last one reaches past the image into padding (the reduced
     * size is rounded up); where the orientation reverses the axis, that padding comes first, so
     * the edge moves by it. Edges 0 and {@code size} map into 0 and the rounded-up reduced size:
     * a mapped box never leaves the reduced image.
     */
    private static int edge(int x, int k, int size, boolean reversed) {
        int padding = reversed ? (size + k - 1) / k * k - size : 0;
        return (2 * (x + padding) + k) / (2 * k);
    }

    /**
     * A {@code RandomResizedCrop} drawn before decoding.
     *
     * @param box     the box in the full upright image's pixels, as drawn from a full decode
     * @param factor  the reduction the image is decoded at (1: full size)
     * @param reduced the box in the pixels of the image decoded at 1/{@code factor}
     */
    record Crop(RandomResizedCrop op, RandomResizedCrop.Params box, int factor, RandomResizedCrop.Params reduced) {
        /** Cuts the reduced box from {@code src}, the image decoded at 1/{@code factor}, and resizes it into {@code dst}. */
        void apply(Mat src, Mat dst, Workspace workspace) {
            ImageOp<RandomResizedCrop.Params> crop = op;
            crop.apply(src, dst, reduced, workspace);
        }

        /** The trace entry: the box in the full image's pixels, and the reduction when there was one. */
        Map<String, Object> trace() {
            Map<String, Object> described = op.trace(box);
            if (factor == 1) {
                return described;
            }
            Map<String, Object> reduction = new LinkedHashMap<>(described);
            reduction.put("reduction", factor);
            return reduction;
        }
    }

    @Override
    public String toString() {
        return first == null ? "ReducedDecode[none]" : "ReducedDecode[" + first.name() + "]";
    }
}
