package io.streamaug.augment.image.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.augment.SampleRandom;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.Workspace;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedSample;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** The policies over many seeds: what they draw, how often, and what their output can be. */
class PolicyPropertiesTest {
    static {
        OpenCv.load();
    }

    private final Workspace ws = new Workspace();
    private final Mat photo = GoldenOpsTest.fixture("rgb");

    @AfterEach
    void release() {
        ws.close();
        photo.release();
    }

    /** Ops whose magnitude-0 bin leaves every image as it is (Solarize's is a threshold of 255, which inverts white). */
    private static final Set<PolicyOp> IDENTITY_AT_ZERO = EnumSet.of(PolicyOp.IDENTITY, PolicyOp.SHEAR_X, PolicyOp.SHEAR_Y,
            PolicyOp.TRANSLATE_X, PolicyOp.TRANSLATE_Y, PolicyOp.ROTATE, PolicyOp.BRIGHTNESS, PolicyOp.COLOR,
            PolicyOp.CONTRAST, PolicyOp.SHARPNESS, PolicyOp.POSTERIZE);

    @Test
    void randAugmentAtMagnitudeZeroReturnsTheInputWhenItDrewOnlyOpsThatAreIdentityAtZero() {
        RandAugment op = new RandAugment(2, 0, 31, 0, Interpolation.NEAREST, 0, 1);
        byte[] input = OpContractTest.bytes(photo);
        int identities = 0;
        for (long seed = 0; seed < 400; seed++) {
            RandAugment.Params params = op.sample(SampleRandom.forSample(seed, "a", 0, 0), photo.rows(), photo.cols(), 3);
            for (PolicyStep step : params.steps()) {
                double expected = switch (step.op()) {
                    case POSTERIZE -> 8;
                    case SOLARIZE -> 255;
                    default -> 0;
                };
                assertThat(Math.abs(step.magnitude())).as("%s at bin 0", step.op()).isEqualTo(expected);
            }
            if (params.steps().stream().allMatch(s -> IDENTITY_AT_ZERO.contains(s.op()))) {
                Mat out = new Mat();
                op.apply(photo, out, params, ws);
                assertThat(OpContractTest.bytes(out)).as("seed %d: %s", seed, params).isEqualTo(input);
                out.release();
                identities++;
            }
        }
        // (11/14)² of 400 draws ≈ 247; the check must have run often.
        assertThat(identities).isGreaterThan(150);
    }

    @Test
    void randAugmentMagnitudeStdSpreadsTheBinAroundTheMagnitudeAndClipsItToTheTable() {
        RandAugment fixed = new RandAugment(2, 9, 11, 0, Interpolation.NEAREST, 0, 1);
        RandAugment spread = new RandAugment(2, 9, 11, 0.5, Interpolation.NEAREST, 0, 1);
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (long seed = 0; seed < 20_000; seed++) {
            for (PolicyStep step : fixed.sample(SampleRandom.forSample(seed, "m", 0, 0), 48, 64, 3).steps()) {
                if (step.op() == PolicyOp.ROTATE) {
                    assertThat(Math.abs(step.magnitude())).isCloseTo(27.0, within(1e-9)); // bin 9 of 0..10 → 30°·9/10
                }
            }
            for (PolicyStep step : spread.sample(SampleRandom.forSample(seed, "m", 0, 0), 48, 64, 3).steps()) {
                if (step.op() == PolicyOp.ROTATE) {
                    double degrees = Math.abs(step.magnitude());
                    assertThat(degrees).isBetween(0.0, 30.0);
                    sum += degrees;
                    squares += degrees * degrees;
                    n++;
                }
            }
        }
        double mean = sum / n;
        double sd = Math.sqrt(squares / n - mean * mean);
        // bin ~ N(9, 0.5²) clipped to ≤ 10 → degrees = 3·bin: mean ≈ 26.99, sd ≈ 1.47 (clipping trims the upper tail).
        assertThat(n).isGreaterThan(2_000);
        assertThat(mean).isCloseTo(26.99, within(0.15));
        assertThat(sd).isCloseTo(1.47, within(0.1));
    }

    @Test
    void trivialAugmentPicksEachOfItsFourteenOpsAboutEquallyOften() {
        TrivialAugmentWide op = new TrivialAugmentWide(31, Interpolation.NEAREST, 0, 1);
        Map<PolicyOp, Integer> counts = new EnumMap<>(PolicyOp.class);
        for (long seed = 0; seed < 14_000; seed++) {
            PolicyStep step = op.sample(SampleRandom.forSample(seed, "t", 0, 0), 48, 64, 3).steps().get(0);
            counts.merge(step.op(), 1, Integer::sum);
        }
        assertThat(counts).hasSize(14).doesNotContainKey(PolicyOp.INVERT);
        // Binomial(14000, 1/14): mean 1000, sd ≈ 30.5; allow 5 sd.
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(1000 - 153, 1000 + 153));
    }

    @Test
    void autoAugmentDrawsSubPoliciesUniformlyAndRunsEachOpWithItsProbability() {
        AutoAugment op = new AutoAugment(Interpolation.NEAREST, 0, 1);
        int[] policies = new int[25];
        int equalizeFirstOfTwelve = 0;
        int posterizeRotateBoth = 0;
        int posterizeRotateDraws = 0;
        for (long seed = 0; seed < 25_000; seed++) {
            AutoAugment.Params params = op.sample(SampleRandom.forSample(seed, "aa", 0, 0), 48, 64, 3);
            policies[params.policy()]++;
            assertThat(params.steps()).hasSizeLessThanOrEqualTo(2);
            if (params.policy() == 12) { // (Equalize, 0.0), (Equalize, 0.8): the first never runs
                equalizeFirstOfTwelve += params.steps().size() == 2 ? 1 : 0;
            }
            if (params.policy() == 0) { // (Posterize, 0.4, bin 8), (Rotate, 0.6, bin 9)
                posterizeRotateDraws++;
                posterizeRotateBoth += params.steps().size() == 2 ? 1 : 0;
                params.steps().stream().filter(s -> s.op() == PolicyOp.POSTERIZE)
                        .forEach(s -> assertThat(s.magnitude()).isEqualTo(4.0)); // 8 − round(8/2.25)
                params.steps().stream().filter(s -> s.op() == PolicyOp.ROTATE)
                        .forEach(s -> assertThat(Math.abs(s.magnitude())).isCloseTo(30.0, within(1e-9)));
            }
        }
        for (int count : policies) {
            assertThat(count).isBetween(1000 - 153, 1000 + 153); // Binomial(25000, 1/25): sd ≈ 31
        }
        assertThat(equalizeFirstOfTwelve).isZero();
        assertThat((double) posterizeRotateBoth / posterizeRotateDraws).isCloseTo(0.4 * 0.6, within(0.05));
    }

    @Test
    void augMixIsAConvexMixOfTheImageAndItsChains() {
        AugMix op = new AugMix(3, 3, -1, 1.0, true, Interpolation.BILINEAR, 0, 1);
        byte[] image = OpContractTest.bytes(photo);
        for (long seed = 0; seed < 60; seed++) {
            AugMix.Params params = op.sample(SampleRandom.forSample(seed, "mix", 0, 0), photo.rows(), photo.cols(), 3);
            double total = params.imageWeight() + params.chainWeights().stream().mapToDouble(Double::doubleValue).sum();
            assertThat(total).isCloseTo(1.0, within(1e-6));
            assertThat(params.chains()).hasSize(3).allSatisfy(chain -> assertThat(chain).hasSizeBetween(1, 3));
            int[] low = new int[image.length];
            int[] high = new int[image.length];
            for (int i = 0; i < image.length; i++) {
                low[i] = image[i] & 0xff;
                high[i] = low[i];
            }
            for (List<PolicyStep> chain : params.chains()) {
                Mat augmented = new Mat();
                PolicyStep.run(chain, photo, augmented, Interpolation.BILINEAR, 0, ws, this);
                byte[] values = OpContractTest.bytes(augmented);
                for (int i = 0; i < values.length; i++) {
                    low[i] = Math.min(low[i], values[i] & 0xff);
                    high[i] = Math.max(high[i], values[i] & 0xff);
                }
                augmented.release();
            }
            Mat out = new Mat();
            op.apply(photo, out, params, ws);
            byte[] mixed = OpContractTest.bytes(out);
            for (int i = 0; i < mixed.length; i++) {
                // float32 weights may sum to just under 1: truncation can then land one level below.
                assertThat(mixed[i] & 0xff).as("seed %d value %d", seed, i).isBetween(low[i] - 1, high[i]);
            }
            out.release();
        }
    }

    @Test
    void everyPolicyIsDeterministicPerSeedAndVariesAcrossSeeds() {
        for (ImageOp<?> op : List.of(new RandAugment(2, 9, 31, 0.5, Interpolation.NEAREST, 0, 1),
                new TrivialAugmentWide(31, Interpolation.NEAREST, 0, 1), new AutoAugment(Interpolation.NEAREST, 0, 1),
                new AugMix(3, 3, -1, 1, true, Interpolation.BILINEAR, 0, 1))) {
            Set<Object> traces = new java.util.HashSet<>();
            for (long seed = 0; seed < 40; seed++) {
                Mat first = new Mat();
                Mat second = new Mat();
                Object a = op.applyRandom(photo, first, SampleRandom.forSample(seed, "d", 1, 0), ws);
                Object b = op.applyRandom(photo, second, SampleRandom.forSample(seed, "d", 1, 0), ws);
                assertThat(b).as(op.name()).isEqualTo(a);
                assertThat(op.trace(b)).isEqualTo(op.trace(a));
                assertThat(OpContractTest.bytes(second)).as("%s seed %d", op.name(), seed).isEqualTo(OpContractTest.bytes(first));
                traces.add(op.trace(a));
                first.release();
                second.release();
            }
            assertThat(traces).as(op.name()).hasSizeGreaterThan(20);
        }
    }

    @Test
    void thePipelineTraceNamesEveryDrawnOpAndMagnitude() {
        MatOfByte png = new MatOfByte();
        Imgcodecs.imencode(".png", photo, png);
        Normalization norm = new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1}, 0);
        String yaml = "{channels: 3, ops: [{op: RandAugment, num_ops: 3, magnitude: 9, num_magnitude_bins: 11, magnitude_std: 0.5},"
                + " {op: AugMix, width: 2, depth: 2}]}";
        try (ImagePipeline pipeline = new ImagePipeline(new SpecLoader(List.of()).parse(yaml, "t"), norm, 0)) {
            PreparedSample sample = pipeline.prepare("x", "d", Split.TRAIN, 0, 0, png.toArray(), Label.of(0));
            PreparedSample again = pipeline.prepare("x", "d", Split.TRAIN, 0, 0, png.toArray(), Label.of(0));
            assertThat(again.trace()).isEqualTo(sample.trace());
            assertThat(again.tensor()).isEqualTo(sample.tensor());
            OpTrace rand = sample.trace().get(0);
            assertThat(rand.op()).isEqualTo("RandAugment");
            assertThat((List<?>) rand.params().get("ops")).hasSize(3);
            assertThat((List<?>) rand.params().get("magnitudes")).hasSize(3);
            OpTrace mix = sample.trace().get(1);
            assertThat(mix.op()).isEqualTo("AugMix");
            assertThat((List<?>) mix.params().get("chain_weights")).hasSize(2);
            assertThat((List<?>) mix.params().get("ops")).hasSize(2).allSatisfy(chain -> assertThat((List<?>) chain).hasSize(2));
            // Nested lists survive the wire format.
            assertThat(io.streamaug.core.wire.PreparedCodec.decode(io.streamaug.core.wire.PreparedCodec.encode(sample)).trace())
                    .isEqualTo(sample.trace());
        } finally {
            png.release();
        }
    }

    @Test
    void theShippedRandAugmentRecipeCropsFlipsAugmentsAndErasesLikeTimms() {
        MatOfByte png = new MatOfByte();
        Imgcodecs.imencode(".png", photo, png);
        Normalization norm = new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, 0);
        Map<String, Integer> applied = new java.util.HashMap<>();
        try (ImagePipeline pipeline = new ImagePipeline(SpecLoader.resolve("imagenet-randaugment", List.of()), norm, 0)) {
            for (int i = 0; i < 400; i++) {
                PreparedSample sample = pipeline.prepare("img-" + i, "d", Split.TRAIN, 0, 0, png.toArray(), Label.of(0));
                assertThat(sample.tensor().height()).isEqualTo(224);
                assertThat(sample.tensor().width()).isEqualTo(224);
                for (OpTrace op : sample.trace()) {
                    applied.merge(op.op(), 1, Integer::sum);
                    if (op.op().equals("RandAugment")) {
                        assertThat((List<?>) op.params().get("ops")).hasSize(2);
                    }
                }
                PreparedSample eval = pipeline.prepare("img-" + i, "d", Split.VAL, 0, 0, png.toArray(), Label.of(0));
                assertThat(eval.trace()).extracting(OpTrace::op).containsExactly("Resize", "CenterCrop");
            }
        } finally {
            png.release();
        }
        assertThat(applied.get("RandomResizedCrop")).isEqualTo(400);
        assertThat(applied.get("RandAugment")).isEqualTo(400);
        assertThat(applied.get("HorizontalFlip")).isBetween(200 - 50, 200 + 50); // Binomial(400, 0.5): sd 10
        assertThat(applied.get("RandomErasing")).isBetween(100 - 44, 100 + 44); // Binomial(400, 0.25): sd 8.7
    }
}
