package io.streamaug.augment.spec;

import java.util.Map;
import java.util.Set;

/**
 * Label-aware geometry: classes an op must not touch (a 6 flipped upside down is a 9), and classes
 * whose label changes when the op applies (b ↔ d under a horizontal flip).
 */
public record LabelRule(Set<Integer> forbidden, Map<Integer, Integer> remap) {
    public static final LabelRule NONE = new LabelRule(Set.of(), Map.of());

    public LabelRule {
        forbidden = Set.copyOf(forbidden);
        remap = Map.copyOf(remap);
    }

    public boolean allows(int label) {
        return !forbidden.contains(label);
    }

    public int apply(int label) {
        return remap.getOrDefault(label, label);
    }

    public boolean isNone() {
        return forbidden.isEmpty() && remap.isEmpty();
    }
}
