package io.streamaug.augment.image.ops;

import static io.streamaug.augment.image.ops.PolicyOp.AUTO_CONTRAST;
import static io.streamaug.augment.image.ops.PolicyOp.COLOR;
import static io.streamaug.augment.image.ops.PolicyOp.CONTRAST;
import static io.streamaug.augment.image.ops.PolicyOp.EQUALIZE;
import static io.streamaug.augment.image.ops.PolicyOp.INVERT;
import static io.streamaug.augment.image.ops.PolicyOp.POSTERIZE;
import static io.streamaug.augment.image.ops.PolicyOp.ROTATE;
import static io.streamaug.augment.image.ops.PolicyOp.SHARPNESS;
import static io.streamaug.augment.image.ops.PolicyOp.SHEAR_X;
import static io.streamaug.augment.image.ops.PolicyOp.SOLARIZE;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * AutoAugment (Cubuk et al., 2019) with its ImageNet policy, as torchvision's: one of 25
 * sub-policies drawn uniformly; each of its two ops runs with its own probability, at its bin of
 * a 10-bin table (RandAugment's ops without Identity, with Invert), with a random sign where signed.
 */
public final class AutoAugment extends ImageOp<AutoAugment.Params> {
    /** The drawn sub-policy and the ops of it that ran, with their signed magnitudes. */
    public record Params(int policy, List<PolicyStep> steps) {
    }

    /** One op of a sub-policy: its probability and magnitude bin (−1: the op takes none). */
    private record Pick(PolicyOp op, double p, int bin) {
    }

    private static final int BINS = 10;

    /** The ImageNet policy (Cubuk et al., 2019, appendix), in torchvision's order. */
    private static final List<List<Pick>> IMAGENET = List.of(
            List.of(new Pick(POSTERIZE, 0.4, 8), new Pick(ROTATE, 0.6, 9)),
            List.of(new Pick(SOLARIZE, 0.6, 5), new Pick(AUTO_CONTRAST, 0.6, -1)),
            List.of(new Pick(EQUALIZE, 0.8, -1), new Pick(EQUALIZE, 0.6, -1)),
            List.of(new Pick(POSTERIZE, 0.6, 7), new Pick(POSTERIZE, 0.6, 6)),
            List.of(new Pick(EQUALIZE, 0.4, -1), new Pick(SOLARIZE, 0.2, 4)),
            List.of(new Pick(EQUALIZE, 0.4, -1), new Pick(ROTATE, 0.8, 8)),
            List.of(new Pick(SOLARIZE, 0.6, 3), new Pick(EQUALIZE, 0.6, -1)),
            List.of(new Pick(POSTERIZE, 0.8, 5), new Pick(EQUALIZE, 1.0, -1)),
            List.of(new Pick(ROTATE, 0.2, 3), new Pick(SOLARIZE, 0.6, 8)),
            List.of(new Pick(EQUALIZE, 0.6, -1), new Pick(POSTERIZE, 0.4, 6)),
            List.of(new Pick(ROTATE, 0.8, 8), new Pick(COLOR, 0.4, 0)),
            List.of(new Pick(ROTATE, 0.4, 9), new Pick(EQUALIZE, 0.6, -1)),
            List.of(new Pick(EQUALIZE, 0.0, -1), new Pick(EQUALIZE, 0.8, -1)),
            List.of(new Pick(INVERT, 0.6, -1), new Pick(EQUALIZE, 1.0, -1)),
            List.of(new Pick(COLOR, 0.6, 4), new Pick(CONTRAST, 1.0, 8)),
            List.of(new Pick(ROTATE, 0.8, 8), new Pick(COLOR, 1.0, 2)),
            List.of(new Pick(COLOR, 0.8, 8), new Pick(SOLARIZE, 0.8, 7)),
            List.of(new Pick(SHARPNESS, 0.4, 7), new Pick(INVERT, 0.6, -1)),
            List.of(new Pick(SHEAR_X, 0.6, 5), new Pick(EQUALIZE, 1.0, -1)),
            List.of(new Pick(COLOR, 0.4, 0), new Pick(EQUALIZE, 0.6, -1)),
            List.of(new Pick(EQUALIZE, 0.4, -1), new Pick(SOLARIZE, 0.2, 4)),
            List.of(new Pick(SOLARIZE, 0.6, 5), new Pick(AUTO_CONTRAST, 0.6, -1)),
            List.of(new Pick(INVERT, 0.6, -1), new Pick(EQUALIZE, 1.0, -1)),
            List.of(new Pick(COLOR, 0.6, 4), new Pick(CONTRAST, 1.0, 8)),
            List.of(new Pick(EQUALIZE, 0.8, -1), new Pick(EQUALIZE, 0.6, -1)));

    private final Interpolation interpolation;
    private final double fill;

    public AutoAugment(Interpolation interpolation, double fill, double p) {
        super(p);
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.interpolation = interpolation;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        int policy = random.nextInt(IMAGENET.size());
        List<PolicyStep> steps = new ArrayList<>(2);
        for (Pick pick : IMAGENET.get(policy)) {
            double toss = random.nextDouble();
            boolean negative = random.nextBoolean();
            if (toss <= pick.p()) {
                AugmentationSpace.Entry entry = AugmentationSpace.autoAugment(pick.op(), height, width);
                double value = pick.bin() < 0 ? 0 : entry.at(pick.bin(), BINS);
                steps.add(new PolicyStep(pick.op(), entry.signed() && negative ? -value : value));
            }
        }
        return new Params(policy, List.copyOf(steps));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        PolicyStep.run(params.steps(), src, dst, interpolation, fill, workspace, this);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("policy", params.policy(), "ops", PolicyStep.names(params.steps()),
                "magnitudes", PolicyStep.magnitudes(params.steps()));
    }
}
