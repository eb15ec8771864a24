package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedSample;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a spec declares is what the pipeline does: label rules, groups, eval ops, mixing. */
class PipelineSpecBehaviourTest {
    private static final byte[] IMAGE = TestImages.grayPng(8, 8);
    private static final Normalization NORM = new Normalization(new float[] {0.5f}, new float[] {0.5f}, 0);

    private static ImagePipeline pipeline(String yaml, int classes) {
        return new ImagePipeline(new SpecLoader(List.of("b", "d", "six", "nine")).parse(yaml, "t"), NORM, classes);
    }

    @Test
    void forbiddenClassesAreNotTouchedAndRemappedClassesChangeLabel() {
        try (ImagePipeline p = pipeline("{ops: [{op: VerticalFlip, p: 1, forbid_classes: [six, nine]},"
                + " {op: HorizontalFlip, p: 1, remap_classes: {b: d, d: b}}]}", 4)) {
            PreparedSample six = p.prepare("s", "d", Split.TRAIN, 0, 0, IMAGE, Label.of(2));
            assertThat(six.trace()).extracting(OpTrace::op).containsExactly("HorizontalFlip");
            assertThat(six.label()).isEqualTo(Label.of(2));
            PreparedSample b = p.prepare("b", "d", Split.TRAIN, 0, 0, IMAGE, Label.of(0));
            assertThat(b.trace()).extracting(OpTrace::op).containsExactly("VerticalFlip", "HorizontalFlip");
            assertThat(b.label()).isEqualTo(Label.of(1));
        }
    }

    @Test
    void oneOfAppliesExactlyOneAndSomeOfBetweenItsBounds() {
        try (ImagePipeline p = pipeline("{ops: [{op: one_of, ops: [{op: HorizontalFlip, p: 1}, {op: VerticalFlip, p: 1}]},"
                + " {op: some_of, n: [1, 2], ops: [{op: Rotate, angle_range: 5}, {op: Scale, zoom_range: [0.9, 1.1]},"
                + " {op: Translate, x_range: 0.1}]}]}", 0)) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 2000; i++) {
                List<String> ops = p.prepare("id" + i, "d", Split.TRAIN, 0, 0, IMAGE, Label.of(0)).trace().stream()
                        .map(OpTrace::op).toList();
                long flips = ops.stream().filter(o -> o.endsWith("Flip")).count();
                assertThat(flips).isEqualTo(1);
                assertThat(ops.size() - flips).isBetween(1L, 2L);
                ops.forEach(o -> counts.merge(o, 1, Integer::sum));
            }
            assertThat(counts.get("HorizontalFlip") / 2000.0).isCloseTo(0.5, within(0.06));
            assertThat(counts.get("Rotate")).isGreaterThan(600);
        }
    }

    @Test
    void valAndTestGetOnlyTheEvalOps() {
        try (ImagePipeline p = pipeline("{ops: [{op: HorizontalFlip, p: 1}], eval_ops: [{op: Resize, size: [4, 4]}]}", 0)) {
            PreparedSample val = p.prepare("v", "d", Split.VAL, 0, 0, IMAGE, Label.of(0));
            assertThat(val.tensor().height()).isEqualTo(4);
            assertThat(val.trace()).extracting(OpTrace::op).containsExactly("Resize");
            assertThat(p.prepare("t", "d", Split.TRAIN, 0, 0, IMAGE, Label.of(0)).tensor().height()).isEqualTo(8);
        }
    }

    @Test
    void mixedLabelsAreSoftSumToOneAndFollowTheDrawnWeight() {
        try (ImagePipeline p = pipeline("{mix: {mixup_alpha: 1.0, cutmix_alpha: 1.0, p: 1.0, label_smoothing: 0.1}}", 4)) {
            AugmentedImage partner = p.augment("partner", Split.TRAIN, 0, 0, TestImages.grayPng(8, 8), Label.of(3));
            for (int i = 0; i < 200; i++) {
                AugmentedImage sample = p.augment("s" + i, Split.TRAIN, 0, 0, IMAGE, Label.of(0));
                AugmentedImage mixed = p.mix(sample, partner);
                float[] w = ((Label.Soft) mixed.label()).weights();
                assertThat(w[0] + w[1] + w[2] + w[3]).isCloseTo(1f, within(1e-5f));
                OpTrace mix = mixed.trace().get(mixed.trace().size() - 1);
                assertThat(mix.op()).isIn("MixUp", "CutMix");
                assertThat(mix.params()).containsEntry("partner", "partner");
                double lambda = ((Number) mix.params().get("lambda")).doubleValue();
                assertThat((double) w[0]).isCloseTo(0.9 * lambda + 0.025, within(1e-3));
                assertThat(p.mix(sample, partner).hwc()).isEqualTo(mixed.hwc()); // replayable
                PreparedSample prepared = p.toPrepared(mixed, "d");
                assertThat(prepared.label()).isEqualTo(mixed.label());
            }
            AugmentedImage val = p.augment("v", Split.VAL, 0, 0, IMAGE, Label.of(1));
            assertThat(p.mix(val, partner)).isSameAs(val); // val/test never mix
        }
    }
}
