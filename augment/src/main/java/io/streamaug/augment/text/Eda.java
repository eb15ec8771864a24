package io.streamaug.augment.text;

import java.util.ArrayList;
import java.util.List;

/**
 * EDA's composite: the n_aug variants of a sentence (the spec's {@code repeats}) are each made by
 * one op, as the paper's reference code makes them — variant r by the (r mod k)-th of the k ops
 * whose α is above zero, in the order SR, RI, RS, RD — each with its own α.
 */
public final class Eda {
    private final List<TextOp<?>> ops;

    public Eda(double alphaSr, double alphaRi, double alphaRs, double alphaRd) {
        List<TextOp<?>> enabled = new ArrayList<>();
        if (alphaSr > 0) {
            enabled.add(new SynonymReplacement(alphaSr, 1));
        }
        if (alphaRi > 0) {
            enabled.add(new RandomInsertion(alphaRi, 1));
        }
        if (alphaRs > 0) {
            enabled.add(new RandomSwap(alphaRs, 1));
        }
        if (alphaRd > 0) {
            enabled.add(new RandomDeletion(alphaRd, 1));
        }
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("Eda needs at least one α above 0 (alpha_sr, alpha_ri, alpha_rs, alpha_rd)");
        }
        this.ops = List.copyOf(enabled);
    }

    /** The op that makes variant {@code repeat}. */
    public TextOp<?> forRepeat(int repeat) {
        return ops.get(repeat % ops.size());
    }

    public List<TextOp<?>> ops() {
        return ops;
    }
}
