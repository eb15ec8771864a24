package io.streamaug.augment.spec;

import io.streamaug.augment.SpecIdentity;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamaug.augment.image.DecodeOptions;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.mix.CutMix;
import io.streamaug.augment.image.mix.Mixing;
import io.streamaug.augment.image.mix.MixUp;
import io.streamaug.augment.image.ops.ColorJitter;
import io.streamaug.augment.image.ops.ImageOps;
import io.streamaug.augment.text.TextOps;
import io.streamaug.core.wire.Dtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a pipeline spec (YAML). Every error names the YAML path of the bad key, e.g.
 * {@code ops[3].angle_range: max must be ≥ min — got [20.0, 10.0]}.
 */
public final class SpecLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_KEYS = Set.of("type", "seed", "channels", "repeats", "ops", "eval_ops", "mix",
            "normalize", "output",
            "decode");
    private static final Set<String> TEXT_TOP_KEYS = Set.of("type", "seed", "repeats", "ops");
    private static final Set<String> GROUP_KEYS = Set.of("op", "p", "ops", "n");

    private final List<String> classes;

    /** @param classes the dataset's class names, to resolve names in label rules (may be empty) */
    public SpecLoader(List<String> classes) {
        this.classes = List.copyOf(classes);
    }

    /** The specs shipped in the jar (the repository's {@code specs/} folder). */
    public static final List<String> BUNDLED = List.of("fashion-mnist", "imagenet-style", "imagenet-randaugment", "photos");

    /**
     * Loads {@code spec}: a YAML file, or the name of a bundled spec ({@link #BUNDLED}) when no
     * such file exists.
     */
    public static PipelineSpec resolve(String spec, List<String> classes) {
        Path file = Path.of(spec);
        if (Files.isRegularFile(file)) {
            return load(file, classes);
        }
        String name = spec.endsWith(".yaml") ? file.getFileName().toString().replace(".yaml", "") : spec;
        try (var in = SpecLoader.class.getResourceAsStream("/specs/" + name + ".yaml")) {
            if (in == null) {
                throw new SpecException(spec + ": no such spec file, and not a bundled spec (" + String.join(", ", BUNDLED) + ")");
            }
            return new SpecLoader(classes).parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    "bundled spec " + name);
        } catch (IOException e) {
            throw new SpecException(spec + ": cannot read: " + e.getMessage());
        }
    }

    public static PipelineSpec load(Path file, List<String> classes) {
        try {
            return new SpecLoader(classes).parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new SpecException(file + ": no such spec file");
        } catch (IOException e) {
            throw new SpecException(file + ": cannot read: " + e.getMessage());
        }
    }

    public PipelineSpec parse(String yaml, String source) {
        SpecNode spec = root(yaml, source);
        String type = spec.has("type") ? spec.text("type", "image") : "image";
        if (!type.equals("image")) {
            throw spec.error("type", "'" + type + "' is not 'image' here" + (type.equals("text") ? " (this is a text spec)" : ""));
        }
        spec.allowOnly(TOP_KEYS);
        int channels = spec.integer("channels", 1, 1, 3);
        if (channels == 2) {
            throw spec.error("channels", "must be 1 (grayscale) or 3 (RGB)");
        }
        List<Step> ops = spec.has("ops") ? steps(spec.list("ops"), channels, false) : List.of();
        List<Step> evalOps = spec.has("eval_ops") ? steps(spec.list("eval_ops"), channels, true) : List.of();
        return new PipelineSpec(spec.longValue("seed", 42), channels, spec.integer("repeats", 1, 1, 1000), ops, evalOps,
                mixing(spec), normalization(spec, channels), dtype(spec), SpecIdentity.of(yaml, source),
                decodeOptions(spec));
    }

    /** Reads a text spec ({@code type: text}): seed, repeats (EDA's n_aug) and text ops. */
    public io.streamaug.augment.text.TextSpec parseText(String yaml, String source) {
        SpecNode spec = root(yaml, source);
        if (!"text".equals(spec.text("type", "image"))) {
            throw spec.error("type", "a text spec needs 'type: text'");
        }
        spec.allowOnly(TEXT_TOP_KEYS);
        List<io.streamaug.augment.text.TextSpec.Step> steps = new ArrayList<>();
        for (SpecNode node : spec.has("ops") ? spec.list("ops") : List.<SpecNode>of()) {
            steps.add(textStep(node));
        }
        return new io.streamaug.augment.text.TextSpec(spec.longValue("seed", 42), spec.integer("repeats", 1, 1, 1000), steps,
                SpecIdentity.of(yaml, source));
    }

    /** True when {@code spec} (a file or a bundled name) is a text spec ({@code type: text}). */
    public static boolean isText(String spec) {
        Path file = Path.of(spec);
        String yaml;
        try {
            if (Files.isRegularFile(file)) {
                yaml = Files.readString(file);
            } else {
                String name = spec.endsWith(".yaml") ? file.getFileName().toString().replace(".yaml", "") : spec;
                try (var in = SpecLoader.class.getResourceAsStream("/specs/" + name + ".yaml")) {
                    if (in == null) {
                        return false;
                    }
                    yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            JsonNode root = YAML.readTree(yaml);
            return root != null && root.isObject() && "text".equals(root.path("type").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /** Loads a text spec from a file or the bundled name ({@code eda}). */
    public static io.streamaug.augment.text.TextSpec resolveText(String spec) {
        Path file = Path.of(spec);
        try {
            if (Files.isRegularFile(file)) {
                return new SpecLoader(List.of()).parseText(Files.readString(file), file.toString());
            }
            String name = spec.endsWith(".yaml") ? file.getFileName().toString().replace(".yaml", "") : spec;
            try (var in = SpecLoader.class.getResourceAsStream("/specs/" + name + ".yaml")) {
                if (in == null) {
                    throw new SpecException(spec + ": no such spec file, and not a bundled text spec (eda)");
                }
                return new SpecLoader(List.of()).parseText(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                        "bundled spec " + name);
            }
        } catch (IOException e) {
            throw new SpecException(spec + ": cannot read: " + e.getMessage());
        }
    }

    private static io.streamaug.augment.text.TextSpec.Step textStep(SpecNode node) {
        String name = node.text("op", null);
        String known = String.join(", ", TextOps.all().keySet());
        if (name == null) {
            throw node.error("needs an 'op' key (" + known + ")");
        }
        TextOps.Entry entry = TextOps.all().get(name);
        if (entry == null) {
            throw node.error("op", "unknown text op '" + name + "' (known: " + known + ")");
        }
        try {
            node.allowOnly(entry.keys());
            return entry.factory().apply(node);
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw node.error("(" + name + ") " + e.getMessage());
        }
    }

    private SpecNode root(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new SpecException(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SpecException(source + ": the spec is empty");
        }
        return new SpecNode(root, "");
    }

    private List<Step> steps(List<SpecNode> nodes, int channels, boolean evalOnly) {
        List<Step> steps = new ArrayList<>();
        for (SpecNode node : nodes) {
            steps.add(step(node, channels, evalOnly));
        }
        return steps;
    }

    private Step step(SpecNode node, int channels, boolean evalOnly) {
        if (!node.raw().isObject()) {
            throw node.error("must be a mapping with an 'op' key, e.g. {op: HorizontalFlip, p: 0.5}");
        }
        String name = node.text("op", null);
        if (name == null) {
            throw node.error("needs an 'op' key naming the op (one of " + String.join(", ", ImageOps.all().keySet())
                    + ", one_of, some_of)");
        }
        if (name.equals("one_of") || name.equals("some_of")) {
            if (evalOnly) {
                throw node.error("op", "groups are random; eval_ops must be deterministic");
            }
            node.allowOnly(name.equals("one_of") ? Set.of("op", "p", "ops") : GROUP_KEYS);
            List<Step> children = steps(node.list("ops"), channels, false);
            if (children.isEmpty()) {
                throw node.error("ops", "needs at least one op");
            }
            double p = node.number("p", 1, 0, 1);
            if (name.equals("one_of")) {
                return new Step.OneOf(children, p);
            }
            int min;
            int max;
            if (node.isList("n")) {
                var range = node.range("n", null, false);
                min = (int) range.min();
                max = (int) range.max();
            } else {
                min = node.integer("n", 1, 0, children.size());
                max = min;
            }
            if (min < 0 || max > children.size()) {
                throw node.error("n", "must lie within [0, " + children.size() + "], got [" + min + ", " + max + "]");
            }
            return new Step.SomeOf(children, min, max, p);
        }
        ImageOps.Entry entry = ImageOps.all().get(name);
        if (entry == null) {
            throw node.error("op", "unknown op '" + name + "' (known: " + String.join(", ", ImageOps.all().keySet())
                    + ", one_of, some_of)");
        }
        node.allowOnly(entry.keys());
        ImageOp<?> op;
        try {
            op = entry.factory().apply(node);
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw node.error("(" + name + ") " + e.getMessage());
        }
        if (op instanceof ColorJitter jitter && jitter.needsColour() && channels == 1) {
            throw node.error("(ColorJitter) saturation and hue need colour images, but this spec has channels: 1;"
                    + " set them to 0 or use channels: 3");
        }
        if (evalOnly && !Set.of("Resize", "CenterCrop").contains(name)) {
            throw node.error("op", "eval_ops may only resize and centre-crop (val/test are never augmented), got " + name);
        }
        return new Step.Op(op, labelRule(node));
    }

    private LabelRule labelRule(SpecNode node) {
        Set<Integer> forbidden = new HashSet<>();
        if (node.has("forbid_classes")) {
            for (SpecNode cls : node.list("forbid_classes")) {
                forbidden.add(classIndex(cls));
            }
        }
        Map<Integer, Integer> remap = new HashMap<>();
        if (node.has("remap_classes")) {
            SpecNode map = node.get("remap_classes");
            if (!map.raw().isObject()) {
                throw new SpecException(map.path() + ": must be a mapping {from: to, …}");
            }
            var fields = map.raw().fields();
            while (fields.hasNext()) {
                var field = fields.next();
                SpecNode to = new SpecNode(field.getValue(), map.path() + "." + field.getKey());
                remap.put(classIndex(field.getKey(), map.path() + "." + field.getKey()), classIndex(to));
            }
        }
        return forbidden.isEmpty() && remap.isEmpty() ? LabelRule.NONE : new LabelRule(forbidden, remap);
    }

    private int classIndex(SpecNode node) {
        if (node.raw().isIntegralNumber()) {
            return checkIndex(node.raw().asInt(), node.path());
        }
        return classIndex(node.raw().asText(), node.path());
    }

    private int classIndex(String value, String path) {
        try {
            return checkIndex(Integer.parseInt(value.trim()), path);
        } catch (NumberFormatException e) {
            int index = classes.indexOf(value);
            if (index < 0) {
                throw new SpecException(path + ": '" + value + "' is not a class "
                        + (classes.isEmpty() ? "index (class names need the dataset's class list)" : "of " + classes));
            }
            return index;
        }
    }

    private int checkIndex(int index, String path) {
        if (index < 0 || (!classes.isEmpty() && index >= classes.size())) {
            throw new SpecException(path + ": class index " + index + " is out of range");
        }
        return index;
    }

    private static Mixing mixing(SpecNode spec) {
        if (!spec.has("mix")) {
            return Mixing.NONE;
        }
        SpecNode mix = spec.get("mix");
        mix.allowOnly(Set.of("mixup_alpha", "cutmix_alpha", "p", "switch_prob", "label_smoothing"));
        double mixupAlpha = mix.number("mixup_alpha", 0, 0, 100);
        double cutmixAlpha = mix.number("cutmix_alpha", 0, 0, 100);
        return new Mixing(mixupAlpha > 0 ? new MixUp(mixupAlpha) : null, cutmixAlpha > 0 ? new CutMix(cutmixAlpha) : null,
                mix.number("p", 1, 0, 1), mix.number("switch_prob", 0.5, 0, 1), mix.number("label_smoothing", 0, 0, 0.99));
    }

    /**
     * The spec's {@code normalize}: absent or {@code stats} means the training split's own
     * statistics, which the worker takes from the stats topic ({@code null} here); pinning
     * constants is an explicit choice: {@code fashion-mnist}, {@code imagenet}, or
     * {@code {mean: […], std: […]}}.
     */
    private static Normalization normalization(SpecNode spec, int channels) {
        if (!spec.has("normalize")) {
            return null;
        }
        if (spec.isText("normalize")) {
            String name = spec.text("normalize", "stats");
            Normalization named = switch (name) {
                case "stats" -> null;
                case "fashion-mnist" -> Normalization.FASHION_MNIST;
                case "imagenet" -> Normalization.IMAGENET;
                default -> throw spec.error("normalize", "'" + name + "' is not one of stats, fashion-mnist, imagenet "
                        + "or {mean: [...], std: [...]}");
            };
            if (named != null && named.channels() != channels) {
                throw spec.error("normalize", name + " has " + named.channels() + " channel(s), but this spec has channels: "
                        + channels);
            }
            return named;
        }
        SpecNode node = spec.get("normalize");
        node.allowOnly(Set.of("mean", "std"));
        float[] mean = floats(node, "mean", channels);
        float[] std = floats(node, "std", channels);
        for (float s : std) {
            if (!(s > 0)) {
                throw node.error("std", "must be positive, got " + s);
            }
        }
        return new Normalization(mean, std, 0);
    }

    private static float[] floats(SpecNode node, String key, int channels) {
        List<SpecNode> values = node.list(key);
        if (values.size() != channels) {
            throw node.error(key, "needs one value per channel (" + channels + "), got " + values.size());
        }
        float[] out = new float[channels];
        for (int i = 0; i < channels; i++) {
            if (!values.get(i).raw().isNumber()) {
                throw new SpecException(values.get(i).path() + ": must be a number");
            }
            out[i] = (float) values.get(i).raw().asDouble();
        }
        return out;
    }

    /** The {@code decode} section: channel conversion, the fill behind transparency, EXIF orientation, reduced decoding. */
    private static DecodeOptions decodeOptions(SpecNode spec) {
        if (!spec.has("decode")) {
            return DecodeOptions.DEFAULT;
        }
        SpecNode decode = spec.get("decode");
        if (!decode.raw().isObject()) {
            throw decode.error("must be a mapping, e.g. {channels: strict, fill: 255, exif_orientation: true, reduced: true}");
        }
        decode.allowOnly(Set.of("channels", "fill", "exif_orientation", "reduced"));
        String mode = decode.text("channels", "convert");
        if (!mode.equals("convert") && !mode.equals("strict")) {
            throw decode.error("channels", "'" + mode + "' is not one of convert, strict");
        }
        int[] fill = DecodeOptions.DEFAULT.fill();
        if (decode.isList("fill")) {
            List<SpecNode> values = decode.list("fill");
            if (values.size() != 3) {
                throw decode.error("fill", "needs one value 0..255 or three (R, G, B), got " + values.size());
            }
            for (int i = 0; i < 3; i++) {
                JsonNode v = values.get(i).raw();
                if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 255) {
                    throw new SpecException(values.get(i).path() + ": must be a number in 0..255, got " + v);
                }
                fill[i] = (int) Math.round(v.asDouble());
            }
        } else if (decode.has("fill")) {
            java.util.Arrays.fill(fill, (int) Math.round(decode.number("fill", 255, 0, 255)));
        }
        return new DecodeOptions(mode.equals("strict"), fill, flag(decode, "exif_orientation", true), flag(decode, "reduced", true));
    }

    private static boolean flag(SpecNode node, String key, boolean fallback) {
        if (!node.has(key)) {
            return fallback;
        }
        JsonNode value = node.raw().get(key);
        if (!value.isBoolean()) {
            throw node.error(key, "must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    private static Dtype dtype(SpecNode spec) {
        if (!spec.has("output")) {
            return Dtype.UINT8;
        }
        SpecNode output = spec.get("output");
        output.allowOnly(Set.of("dtype"));
        String dtype = output.text("dtype", "uint8").toLowerCase(Locale.ROOT);
        return switch (dtype) {
            case "uint8" -> Dtype.UINT8;
            case "float16" -> Dtype.FLOAT16;
            case "float32" -> Dtype.FLOAT32;
            default -> throw output.error("dtype", "'" + dtype + "' is not one of uint8, float16, float32");
        };
    }
}
