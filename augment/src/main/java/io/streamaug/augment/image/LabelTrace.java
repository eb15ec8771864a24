package io.streamaug.augment.image;

import io.streamaug.augment.spec.LabelRule;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample's label and trace while its steps run: an op's label rule decides whether the op may
 * run on the current (hard) label ({@code forbid_classes}) and what the label becomes after it
 * ({@code remap_classes}); each op that ran is recorded, a remap with the new label. Labels that
 * are not hard (none, soft) pass every rule unchanged.
 */
final class LabelTrace {
    private int label = -1;
    private final List<OpTrace> trace = new ArrayList<>();

    /** Starts a sample with its incoming label and an empty trace. */
    void start(Label incoming) {
        trace.clear();
        label = incoming instanceof Label.Hard hard ? hard.index() : -1;
    }

    /** Whether {@code rule} lets an op run on the current label. */
    boolean allows(LabelRule rule) {
        return label < 0 || rule.allows(label);
    }

    /** Records an op that ran with its traced parameters, remapping the label as {@code rule} says. */
    void applied(String op, Map<String, Object> described, LabelRule rule) {
        if (label >= 0 && !rule.isNone()) {
            int remapped = rule.apply(label);
            if (remapped != label) {
                described = new LinkedHashMap<>(described);
                described.put("label", remapped);
                label = remapped;
            }
        }
        trace.add(new OpTrace(op, described));
    }

    /** The label after the steps: the (possibly remapped) hard label, or {@code incoming} unchanged. */
    Label label(Label incoming) {
        return label >= 0 ? Label.of(label) : incoming;
    }

    /** The ops recorded since {@link #start}, as a copy. */
    List<OpTrace> trace() {
        return List.copyOf(trace);
    }
}
