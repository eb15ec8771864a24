package io.streamaug.augment.spec;

import io.streamaug.augment.image.Normalization;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.augment.image.ops.Rotate;
import io.streamaug.core.wire.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecLoaderTest {
    private static final SpecLoader LOADER = new SpecLoader(List.of("b", "d", "x"));

    @Test
    void theShippedSpecsLoad() {
        PipelineSpec fashion = SpecLoader.resolve("fashion-mnist", List.of());
        assertThat(fashion.channels()).isEqualTo(1);
        assertThat(fashion.ops()).hasSize(5);
        assertThat(fashion.mixing().mixes()).isFalse();
        // The shipped specs normalise with the training split's own statistics, from the stats topic.
        assertThat(fashion.normalization()).isNull();
        PipelineSpec imagenet = SpecLoader.resolve("imagenet-style", List.of());
        assertThat(imagenet.channels()).isEqualTo(3);
        assertThat(imagenet.evalOps()).hasSize(2);
        assertThat(imagenet.mixing().mixes()).isTrue();
        assertThat(imagenet.dtype()).isEqualTo(Dtype.UINT8);
        PipelineSpec randAugment = SpecLoader.resolve("imagenet-randaugment", List.of());
        assertThat(randAugment.channels()).isEqualTo(3);
        assertThat(randAugment.ops()).extracting(step -> ((Step.Op) step).op().name())
                .containsExactly("RandomResizedCrop", "HorizontalFlip", "RandAugment", "RandomErasing");
        assertThat(((Step.Op) randAugment.ops().get(1)).op().p()).isEqualTo(0.5);
        assertThat(((Step.Op) randAugment.ops().get(3)).op().p()).isEqualTo(0.25);
        assertThat(randAugment.evalOps()).hasSize(2);
        assertThat(randAugment.mixing().mixes()).isFalse();
        assertThat(imagenet.normalization()).isNull();
        PipelineSpec photos = SpecLoader.resolve("photos", List.of());
        assertThat(photos.channels()).isEqualTo(3);
        assertThat(photos.normalization()).isNull();
        assertThat(randAugment.normalization()).isNull();
        // The repository's files are what the jar bundles.
        assertThat(SpecLoader.load(Path.of("..", "specs", "fashion-mnist.yaml"), List.of())).isNotNull();
    }

    @Test
    void pinningConstantsIsAnExplicitChoice() {
        assertThat(LOADER.parse("{normalize: stats}", "t").normalization()).isNull();
        assertThat(LOADER.parse("{}", "t").normalization()).isNull();
        assertThat(LOADER.parse("{normalize: fashion-mnist}", "t").normalization()).isEqualTo(Normalization.FASHION_MNIST);
        assertThat(LOADER.parse("{channels: 3, normalize: imagenet}", "t").normalization()).isEqualTo(Normalization.IMAGENET);
        assertThat(LOADER.parse("{normalize: {mean: [0.5], std: [0.25]}}", "t").normalization().mean()).containsExactly(0.5f);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "reversed range   | {ops: [{op: HorizontalFlip}, {op: VerticalFlip}, {op: HorizontalFlip}, {op: Rotate, angle_range: [20, 10]}]} | ops[3].angle_range: max must be ≥ min",
        "unknown key      | {ops: [{op: Rotate, angel_range: [1, 2]}]}            | ops[0].angel_range: unknown key",
        "unknown op       | {ops: [{op: Solarise}]}                                | ops[0].op: unknown op 'Solarise'",
        "missing op       | {ops: [{p: 0.5}]}                                      | ops[0]: needs an 'op' key",
        "p out of range   | {ops: [{op: HorizontalFlip, p: 1.5}]}                  | ops[0].p: must be in [0.0, 1.0]",
        "bad enum         | {ops: [{op: Rotate, angle_range: 5, border: mirror}]} | ops[0].border: 'mirror' is not one of constant",
        "missing param    | {ops: [{op: GaussianNoise}]}                           | ops[0].sigma_range: is required",
        "colour on gray   | {channels: 1, ops: [{op: ColorJitter, hue: 0.1}]}      | ops[0]: (ColorJitter) saturation and hue need colour",
        "random eval op   | {eval_ops: [{op: HorizontalFlip}]}                     | eval_ops[0].op: eval_ops may only resize",
        "group in eval    | {eval_ops: [{op: one_of, ops: [{op: Resize, size: 2}]}]} | eval_ops[0].op: groups are random",
        "nested path      | {ops: [{op: one_of, ops: [{op: HorizontalFlip}, {op: Scale, zoom_range: [2, 1]}]}]} | ops[0].ops[1].zoom_range: max must be ≥ min",
        "some_of n        | {ops: [{op: some_of, n: 3, ops: [{op: HorizontalFlip}]}]} | ops[0].n: must be in [0, 1]",
        "top-level typo   | {sede: 1}                                              | sede: unknown key",
        "normalize count  | {channels: 3, normalize: {mean: [0.5], std: [0.5, 0.5, 0.5]}} | normalize.mean: needs one value per channel (3)",
        "zero std         | {normalize: {mean: [0.5], std: [0]}}                   | normalize.std: must be positive",
        "normalize name   | {normalize: cifar}                                     | normalize: 'cifar' is not one of stats, fashion-mnist, imagenet",
        "named channels   | {channels: 1, normalize: imagenet}                     | normalize: imagenet has 3 channel(s), but this spec has channels: 1",
        "dtype            | {output: {dtype: int4}}                                | output.dtype: 'int4' is not one of",
        "unknown class    | {ops: [{op: HorizontalFlip, forbid_classes: [q]}]}     | ops[0].forbid_classes[0]: 'q' is not a class of [b, d, x]",
        "class index      | {ops: [{op: HorizontalFlip, remap_classes: {0: 7}}]}   | ops[0].remap_classes.0: class index 7 is out of range",
        "erasing value    | {ops: [{op: RandomErasing, value: noise}]}             | ops[0].value: must be a number in [0, 255] or 'random'",
        "bad size         | {ops: [{op: CenterCrop, size: [0, 3]}]}                | ops[0].size: must be a positive size",
        "mix alpha        | {mix: {mixup_alpha: -1}}                               | mix.mixup_alpha: must be in [0.0, 100.0]",
        "not yaml         | '{ops: [unclosed'                                      | not valid YAML",
        "fractional bits  | {ops: [{op: Posterize, bits_range: [2.5, 8]}]}         | ops[0].bits_range: must be whole numbers",
        "missing pixels   | {ops: [{op: TranslateX}]}                              | ops[0].pixels_range: is required",
        "even kernel      | {ops: [{op: GaussianBlur, kernel_size: 4}]}            | ops[0]: (GaussianBlur) kernel_size must be odd",
        "jpeg quality     | {ops: [{op: JpegQuality, quality_range: [0, 50]}]}     | ops[0]: (JpegQuality) quality_range must be whole numbers within [1, 100]",
        "magnitude bin    | {ops: [{op: RandAugment, magnitude: 11, num_magnitude_bins: 11}]} | ops[0].magnitude: must be in [0, 10]",
        "autoaug policy   | {ops: [{op: AutoAugment, policy: cifar10}]}            | ops[0].policy: must be imagenet",
        "augmix depth     | {ops: [{op: AugMix, depth: 0}]}                        | ops[0].depth: must be −1",
        "augmix all_ops   | {ops: [{op: AugMix, all_ops: yes please}]}             | ops[0].all_ops: must be true or false",
    })
    void errorsNameTheYamlPathOfTheBadKey(String name, String yaml, String expected) {
        assertThatThrownBy(() -> LOADER.parse(yaml, "test.yaml"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void theDecodeSectionSetsChannelsFillOrientationAndReduction() {
        assertThat(LOADER.parse("{ops: []}", "t").decode()).isEqualTo(io.streamaug.augment.image.DecodeOptions.DEFAULT);
        var decode = LOADER.parse("{channels: 3, decode: {channels: strict, fill: [0, 128, 255], exif_orientation: false,"
                + " reduced: false}}", "t").decode();
        assertThat(decode.strictChannels()).isTrue();
        assertThat(decode.fill()).containsExactly(0, 128, 255);
        assertThat(decode.exifOrientation()).isFalse();
        assertThat(decode.reduced()).isFalse();
        assertThat(LOADER.parse("{decode: {fill: 0}}", "t").decode().fill()).containsExactly(0, 0, 0);
        assertThatThrownBy(() -> LOADER.parse("{decode: {channels: loose}}", "t"))
                .hasMessage("decode.channels: 'loose' is not one of convert, strict");
        assertThatThrownBy(() -> LOADER.parse("{decode: {reduced: yes please}}", "t"))
                .hasMessageContaining("decode.reduced: must be true or false");
        assertThatThrownBy(() -> LOADER.parse("{decode: {fill: [1, 2]}}", "t"))
                .hasMessageContaining("decode.fill: needs one value 0..255 or three");
        assertThatThrownBy(() -> LOADER.parse("{decode: {exif: true}}", "t"))
                .hasMessageContaining("decode.exif: unknown key");
    }

    @Test
    void classNamesInLabelRulesResolveAgainstTheDataset() {
        PipelineSpec spec = LOADER.parse("{ops: [{op: HorizontalFlip, remap_classes: {b: d, d: b}, forbid_classes: [x]}]}", "t");
        LabelRule rule = ((Step.Op) spec.ops().get(0)).rule();
        assertThat(rule.apply(0)).isEqualTo(1);
        assertThat(rule.apply(1)).isEqualTo(0);
        assertThat(rule.allows(2)).isFalse();
    }

    @Test
    void aSymmetricScalarRangeMeansPlusMinus(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, "ops:\n  - op: Rotate\n    angle_range: 15\n");
        Step.Op step = (Step.Op) SpecLoader.resolve(file.toString(), List.of()).ops().get(0);
        assertThat(step.op()).isInstanceOf(Rotate.class);
        assertThat(step.op().p()).isEqualTo(1.0);
        assertThatThrownBy(() -> SpecLoader.resolve(dir.resolve("none.yaml").toString(), List.of()))
                .hasMessageContaining("no such spec file").hasMessageContaining("fashion-mnist");
    }
}
