package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.BorderMode;
import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.spec.SpecNode;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The registry of image ops: spec name → how to build the op from its YAML keys, which keys it
 * takes, and an example configuration (used by the contract test that covers every op).
 */
public final class ImageOps {
    /** Keys every op takes besides its own. */
    public static final Set<String> COMMON_KEYS = Set.of("op", "p", "forbid_classes", "remap_classes");

    /** One registered op. */
    public record Entry(String name, Class<? extends ImageOp<?>> type, Set<String> keys,
            Function<SpecNode, ImageOp<?>> factory, String example) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        register("HorizontalFlip", HorizontalFlip.class, Set.of(),
                n -> new HorizontalFlip(p(n, 0.5)), "{op: HorizontalFlip, p: 1}");
        register("VerticalFlip", VerticalFlip.class, Set.of(),
                n -> new VerticalFlip(p(n, 0.5)), "{op: VerticalFlip, p: 1}");
        register("Rotate", Rotate.class, Set.of("angle_range", "interpolation", "border", "fill"),
                n -> new Rotate(n.range("angle_range", null, true), interpolation(n), border(n), fill(n), p(n, 1)),
                "{op: Rotate, angle_range: [-30, 30]}");
        register("Translate", Translate.class, Set.of("x_range", "y_range", "border", "fill"),
                n -> new Translate(n.range("x_range", DoubleRange.of(0, 0), true), n.range("y_range", DoubleRange.of(0, 0), true),
                        border(n), fill(n), p(n, 1)),
                "{op: Translate, x_range: 0.2, y_range: 0.2}");
        register("Scale", Scale.class, Set.of("zoom_range", "interpolation", "border", "fill"),
                n -> new Scale(n.range("zoom_range", null, false), interpolation(n), border(n), fill(n), p(n, 1)),
                "{op: Scale, zoom_range: [0.8, 1.25]}");
        register("RandomCrop", RandomCrop.class, Set.of("size", "padding", "border", "fill"), n -> {
            int[] size = n.size("size", null);
            return new RandomCrop(size[0], size[1], n.integer("padding", 0, 0, 4096), border(n), fill(n), p(n, 1));
        }, "{op: RandomCrop, size: 8, padding: 2}");
        register("RandomResizedCrop", RandomResizedCrop.class, Set.of("size", "scale_range", "ratio_range", "interpolation"), n -> {
            int[] size = n.size("size", null);
            return new RandomResizedCrop(size[0], size[1], n.range("scale_range", DoubleRange.of(0.08, 1), false),
                    n.range("ratio_range", DoubleRange.of(3.0 / 4, 4.0 / 3), false), interpolation(n), p(n, 1));
        }, "{op: RandomResizedCrop, size: [6, 5]}");
        register("Resize", Resize.class, Set.of("size", "interpolation"), n -> {
            if (n.isNumber("size")) {
                return Resize.shorterSide(n.integer("size", 0, 1, 1 << 16), interpolation(n), p(n, 1));
            }
            int[] size = n.size("size", null);
            return Resize.to(size[0], size[1], interpolation(n), p(n, 1));
        }, "{op: Resize, size: [12, 9]}");
        register("CenterCrop", CenterCrop.class, Set.of("size"), n -> {
            int[] size = n.size("size", null);
            return new CenterCrop(size[0], size[1], p(n, 1));
        }, "{op: CenterCrop, size: [6, 12]}");
        register("GaussianNoise", GaussianNoise.class, Set.of("sigma_range"),
                n -> new GaussianNoise(n.range("sigma_range", null, false), p(n, 1)),
                "{op: GaussianNoise, sigma_range: [0.05, 0.2]}");
        register("RandomErasing", RandomErasing.class, Set.of("area_range", "aspect_range", "value"), n -> {
            boolean random = n.isText("value");
            if (random && !"random".equals(n.text("value", ""))) {
                throw n.error("value", "must be a number in [0, 255] or 'random'");
            }
            return new RandomErasing(n.range("area_range", DoubleRange.of(0.02, 0.33), false),
                    n.range("aspect_range", DoubleRange.of(0.3, 3.3), false), random ? 0 : n.number("value", 0, 0, 255),
                    random, p(n, 0.5));
        }, "{op: RandomErasing, p: 1, value: random}");
        register("ColorJitter", ColorJitter.class, Set.of("brightness", "contrast", "saturation", "hue"),
                n -> new ColorJitter(n.number("brightness", 0, 0, 10), n.number("contrast", 0, 0, 10),
                        n.number("saturation", 0, 0, 10), n.number("hue", 0, 0, 0.5), p(n, 1)),
                "{op: ColorJitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1}");
        register("AutoContrast", AutoContrast.class, Set.of(), n -> new AutoContrast(p(n, 1)), "{op: AutoContrast, p: 1}");
        register("Equalize", Equalize.class, Set.of(), n -> new Equalize(p(n, 1)), "{op: Equalize, p: 1}");
        register("Invert", Invert.class, Set.of(), n -> new Invert(p(n, 1)), "{op: Invert, p: 1}");
        register("Grayscale", Grayscale.class, Set.of(), n -> new Grayscale(p(n, 1)), "{op: Grayscale, p: 1}");
        register("Posterize", Posterize.class, Set.of("bits_range"), n -> {
            int[] bits = wholeRange(n, "bits_range", DoubleRange.of(4, 8), false);
            return new Posterize(bits[0], bits[1], p(n, 1));
        }, "{op: Posterize, bits_range: [2, 6]}");
        register("Solarize", Solarize.class, Set.of("threshold_range"),
                n -> new Solarize(n.range("threshold_range", DoubleRange.of(0, 255), false), p(n, 1)),
                "{op: Solarize, threshold_range: [64, 192]}");
        register("Brightness", Brightness.class, Set.of("factor_range"),
                n -> new Brightness(factorRange(n), p(n, 1)), "{op: Brightness, factor_range: [0.5, 1.5]}");
        register("Contrast", Contrast.class, Set.of("factor_range"),
                n -> new Contrast(factorRange(n), p(n, 1)), "{op: Contrast, factor_range: [0.5, 1.5]}");
        register("Color", Color.class, Set.of("factor_range"),
                n -> new Color(factorRange(n), p(n, 1)), "{op: Color, factor_range: [0.5, 1.5]}");
        register("Sharpness", Sharpness.class, Set.of("factor_range"),
                n -> new Sharpness(factorRange(n), p(n, 1)), "{op: Sharpness, factor_range: [0.5, 1.5]}");
        register("ShearX", ShearX.class, Set.of("shear_range", "interpolation", "fill"),
                n -> new ShearX(n.range("shear_range", DoubleRange.of(-0.3, 0.3), true), policyInterpolation(n), fill(n), p(n, 1)),
                "{op: ShearX, shear_range: 0.3}");
        register("ShearY", ShearY.class, Set.of("shear_range", "interpolation", "fill"),
                n -> new ShearY(n.range("shear_range", DoubleRange.of(-0.3, 0.3), true), policyInterpolation(n), fill(n), p(n, 1)),
                "{op: ShearY, shear_range: 0.3}");
        register("TranslateX", TranslateX.class, Set.of("pixels_range", "fill"), n -> {
            int[] pixels = wholeRange(n, "pixels_range", null, true);
            return new TranslateX(pixels[0], pixels[1], fill(n), p(n, 1));
        }, "{op: TranslateX, pixels_range: 3}");
        register("TranslateY", TranslateY.class, Set.of("pixels_range", "fill"), n -> {
            int[] pixels = wholeRange(n, "pixels_range", null, true);
            return new TranslateY(pixels[0], pixels[1], fill(n), p(n, 1));
        }, "{op: TranslateY, pixels_range: 3}");
        register("GaussianBlur", GaussianBlur.class, Set.of("kernel_size", "sigma_range"),
                n -> {
                    if (!n.has("kernel_size")) {
                        throw n.error("kernel_size", "is required (an odd whole number)");
                    }
                    return new GaussianBlur(n.integer("kernel_size", 0, 1, 255),
                            n.range("sigma_range", DoubleRange.of(0.1, 2.0), false), p(n, 1));
                },
                "{op: GaussianBlur, kernel_size: 5, sigma_range: [0.1, 2.0]}");
        register("Perspective", Perspective.class, Set.of("distortion_scale", "interpolation", "fill"),
                n -> new Perspective(n.number("distortion_scale", 0.5, 0, 1), interpolation(n), fill(n), p(n, 0.5)),
                "{op: Perspective, distortion_scale: 0.5, p: 1}");
        register("JpegQuality", JpegQuality.class, Set.of("quality_range"), n -> {
            int[] quality = wholeRange(n, "quality_range", null, false);
            return new JpegQuality(quality[0], quality[1], p(n, 1));
        }, "{op: JpegQuality, quality_range: [30, 90]}");
        register("ChannelShuffle", ChannelShuffle.class, Set.of(), n -> new ChannelShuffle(p(n, 1)), "{op: ChannelShuffle, p: 1}");
        register("RandAugment", RandAugment.class,
                Set.of("num_ops", "magnitude", "num_magnitude_bins", "magnitude_std", "interpolation", "fill"), n -> {
                    int bins = n.integer("num_magnitude_bins", 31, 2, 1000);
                    return new RandAugment(n.integer("num_ops", 2, 0, 16), n.integer("magnitude", 9, 0, bins - 1), bins,
                            n.number("magnitude_std", 0, 0, 100), policyInterpolation(n), fill(n), p(n, 1));
                }, "{op: RandAugment, num_ops: 3, magnitude: 9, num_magnitude_bins: 11, magnitude_std: 0.5}");
        register("TrivialAugmentWide", TrivialAugmentWide.class, Set.of("num_magnitude_bins", "interpolation", "fill"),
                n -> new TrivialAugmentWide(n.integer("num_magnitude_bins", 31, 2, 1000), policyInterpolation(n), fill(n), p(n, 1)),
                "{op: TrivialAugmentWide}");
        register("AutoAugment", AutoAugment.class, Set.of("policy", "interpolation", "fill"), n -> {
            if (!"imagenet".equals(n.text("policy", "imagenet"))) {
                throw n.error("policy", "must be imagenet (the only AutoAugment policy here)");
            }
            return new AutoAugment(policyInterpolation(n), fill(n), p(n, 1));
        }, "{op: AutoAugment, policy: imagenet}");
        register("AugMix", AugMix.class, Set.of("severity", "width", "depth", "alpha", "all_ops", "interpolation", "fill"), n -> {
            int depth = n.integer("depth", -1, -1, 16);
            if (depth == 0) {
                throw n.error("depth", "must be −1 (1 to 3 ops per chain, drawn) or in [1, 16]");
            }
            return new AugMix(n.integer("severity", 3, 1, 10), n.integer("width", 3, 1, 16), depth, n.number("alpha", 1, 1e-3, 100),
                    n.bool("all_ops", true), n.choice("interpolation", Interpolation.class, Interpolation.BILINEAR), fill(n), p(n, 1));
        }, "{op: AugMix, severity: 3, width: 3}");
    }

    private ImageOps() {
    }

    private static void register(String name, Class<? extends ImageOp<?>> type, Set<String> keys,
            Function<SpecNode, ImageOp<?>> factory, String example) {
        Set<String> all = new HashSet<>(keys);
        all.addAll(COMMON_KEYS);
        REGISTRY.put(name, new Entry(name, type, Set.copyOf(all), factory, example));
    }

    /** Every registered op, in a stable order. */
    public static Map<String, Entry> all() {
        return Collections.unmodifiableMap(REGISTRY);
    }

    private static double p(SpecNode node, double fallback) {
        return node.number("p", fallback, 0, 1);
    }

    /** Brightness, Contrast, Color, Sharpness: 1 ± 0.9 by default, RandAugment's widest. */
    private static DoubleRange factorRange(SpecNode node) {
        return node.range("factor_range", DoubleRange.of(0.1, 1.9), false);
    }

    /** torchvision's policies and their ops interpolate nearest by default. */
    private static Interpolation policyInterpolation(SpecNode node) {
        return node.choice("interpolation", Interpolation.class, Interpolation.NEAREST);
    }

    /** A range of whole numbers: [min, max], or one number (x: [−x, x] when {@code symmetric}, else [x, x]). */
    private static int[] wholeRange(SpecNode node, String key, DoubleRange fallback, boolean symmetric) {
        DoubleRange range = node.range(key, fallback, symmetric);
        if (range.min() != Math.rint(range.min()) || range.max() != Math.rint(range.max())) {
            throw node.error(key, "must be whole numbers, got " + range.toList());
        }
        return new int[] {(int) range.min(), (int) range.max()};
    }

    private static double fill(SpecNode node) {
        return node.number("fill", 0, 0, 255);
    }

    private static Interpolation interpolation(SpecNode node) {
        return node.choice("interpolation", Interpolation.class, Interpolation.BILINEAR);
    }

    private static BorderMode border(SpecNode node) {
        return node.choice("border", BorderMode.class, BorderMode.CONSTANT);
    }
}
