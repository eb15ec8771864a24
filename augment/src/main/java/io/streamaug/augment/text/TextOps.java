package io.streamaug.augment.text;

import io.streamaug.augment.spec.SpecNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The registry of text ops, as {@link io.streamaug.augment.image.ops.ImageOps} is of image ops:
 * spec name → how to build the step from its YAML keys, which keys it takes, and an example
 * configuration (used by the contract test that covers every op). EDA's composite is registered
 * beside the four ops it is made of.
 */
public final class TextOps {
    /** One registered op: {@code type} is a {@link TextOp} subclass, or {@link Eda} for the composite. */
    public record Entry(String name, Class<?> type, Set<String> keys, Function<SpecNode, TextSpec.Step> factory,
            String example) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        register("Eda", Eda.class, Set.of("op", "alpha_sr", "alpha_ri", "alpha_rs", "alpha_rd"),
                n -> new TextSpec.EdaStep(new Eda(n.number("alpha_sr", 0.1, 0, 1), n.number("alpha_ri", 0.1, 0, 1),
                        n.number("alpha_rs", 0.1, 0, 1), n.number("alpha_rd", 0.1, 0, 1))),
                "{op: Eda, alpha_sr: 0.1, alpha_ri: 0.1, alpha_rs: 0.1, alpha_rd: 0.1}");
        registerOp("SynonymReplacement", SynonymReplacement.class, SynonymReplacement::new);
        registerOp("RandomInsertion", RandomInsertion.class, RandomInsertion::new);
        registerOp("RandomSwap", RandomSwap.class, RandomSwap::new);
        registerOp("RandomDeletion", RandomDeletion.class, RandomDeletion::new);
    }

    /** How a single op is made from its strength α and probability p. */
    @FunctionalInterface
    private interface OpFactory {
        TextOp<?> create(double alpha, double p);
    }

    private TextOps() {
    }

    private static void register(String name, Class<?> type, Set<String> keys, Function<SpecNode, TextSpec.Step> factory,
            String example) {
        REGISTRY.put(name, new Entry(name, type, keys, factory, example));
    }

    /** A single op with the keys {@code alpha} (default 0.1) and {@code p} (default 1). */
    private static void registerOp(String name, Class<? extends TextOp<?>> type, OpFactory factory) {
        register(name, type, Set.of("op", "alpha", "p"),
                n -> new TextSpec.OpStep(factory.create(n.number("alpha", 0.1, 0, 1), n.number("p", 1, 0, 1))),
                "{op: " + name + ", alpha: 0.3, p: 1}");
    }

    /** Every registered op, in a stable order. */
    public static Map<String, Entry> all() {
        return Collections.unmodifiableMap(REGISTRY);
    }
}
