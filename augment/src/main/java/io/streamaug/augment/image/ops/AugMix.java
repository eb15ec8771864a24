package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.AhrensDieterMarsagliaTsangGammaSampler;
import org.apache.commons.rng.sampling.distribution.ContinuousSampler;
import org.opencv.core.Mat;

/**
 * AugMix (Hendrycks et al., 2020) as torchvision's: {@code width} chains of {@code depth} ops
 * (1–3 drawn per chain when depth is −1), each op drawn uniformly from AugMix's set at a bin below
 * {@code severity} of a 10-bin table; the output is the convex mix m·image + (1 − m)·Σ wᵢ·chainᵢ
 * with (m, 1 − m) ~ Dirichlet(α, α) and w ~ Dirichlet(α, …, α), in float32, truncated to 8 bits.
 */
public final class AugMix extends ImageOp<AugMix.Params> {
    /** The weight of the image itself, of each chain (they sum to 1 with it), and the chains' ops. */
    public record Params(double imageWeight, List<Double> chainWeights, List<List<PolicyStep>> chains) {
    }

    private static final int BINS = 10;

    private final int severity;
    private final int width;
    private final int depth;
    private final double alpha;
    private final boolean allOps;
    private final Interpolation interpolation;
    private final double fill;

    public AugMix(int severity, int width, int depth, double alpha, boolean allOps, Interpolation interpolation, double fill,
            double p) {
        super(p);
        if (severity < 1 || severity > BINS) {
            throw new IllegalArgumentException("severity must be in [1, 10], got " + severity);
        }
        if (width < 1 || width > 16) {
            throw new IllegalArgumentException("width must be in [1, 16], got " + width);
        }
        if (depth != -1 && (depth < 1 || depth > 16)) {
            throw new IllegalArgumentException("depth must be −1 (1 to 3, drawn per chain) or in [1, 16], got " + depth);
        }
        if (!(alpha > 0 && alpha <= 100)) {
            throw new IllegalArgumentException("alpha must be in (0, 100], got " + alpha);
        }
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.severity = severity;
        this.width = width;
        this.depth = depth;
        this.alpha = alpha;
        this.allOps = allOps;
        this.interpolation = interpolation;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int imageWidth, int channels) {
        UniformRandomProvider source = random::nextLong;
        double[] imageAndChains = dirichlet(source, 2);
        double[] split = dirichlet(source, width);
        List<Double> weights = new ArrayList<>(width);
        for (double w : split) {
            weights.add((double) ((float) w * (float) imageAndChains[1])); // float32, as torchvision's product
        }
        List<AugmentationSpace.Entry> space = AugmentationSpace.augMix(height, imageWidth, allOps);
        List<List<PolicyStep>> chains = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            int n = depth > 0 ? depth : 1 + random.nextInt(3);
            List<PolicyStep> chain = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                AugmentationSpace.Entry entry = space.get(random.nextInt(space.size()));
                double value = entry.at(random.nextInt(severity), BINS);
                if (entry.signed() && random.nextBoolean()) {
                    value = -value;
                }
                chain.add(new PolicyStep(entry.op(), value));
            }
            chains.add(List.copyOf(chain));
        }
        return new Params((float) imageAndChains[0], List.copyOf(weights), List.copyOf(chains));
    }

    /** Normalised Gamma(α, 1) draws: a Dirichlet(α, …, α) sample of {@code n} weights. */
    private double[] dirichlet(UniformRandomProvider source, int n) {
        ContinuousSampler gamma = AhrensDieterMarsagliaTsangGammaSampler.of(source, alpha, 1);
        double[] draws = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            draws[i] = gamma.sample();
            sum += draws[i];
        }
        for (int i = 0; i < n; i++) {
            draws[i] = sum > 0 ? draws[i] / sum : 1.0 / n;
        }
        return draws;
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        byte[] image = Uint8Math.read(src, workspace, this, 0);
        float[] mix = new float[image.length];
        float imageWeight = (float) params.imageWeight();
        for (int i = 0; i < mix.length; i++) {
            mix[i] = imageWeight * (image[i] & 0xff);
        }
        Mat chainOut = workspace.mat(this, 2);
        for (int c = 0; c < params.chains().size(); c++) {
            PolicyStep.run(params.chains().get(c), src, chainOut, interpolation, fill, workspace, this);
            byte[] augmented = Uint8Math.read(chainOut, workspace, this, 1);
            float weight = params.chainWeights().get(c).floatValue();
            for (int i = 0; i < mix.length; i++) {
                mix[i] += weight * (augmented[i] & 0xff);
            }
        }
        for (int i = 0; i < mix.length; i++) {
            float v = mix[i];
            image[i] = (byte) (v <= 0 ? 0 : v >= 255 ? 255 : (int) v);
        }
        Uint8Math.write(image, src, dst);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("image_weight", round4(params.imageWeight()),
                "chain_weights", params.chainWeights().stream().map(w -> round4(w)).toList(),
                "ops", params.chains().stream().map(PolicyStep::names).toList(),
                "magnitudes", params.chains().stream().map(PolicyStep::magnitudes).toList());
    }
}
