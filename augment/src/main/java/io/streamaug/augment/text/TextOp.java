package io.streamaug.augment.text;

import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * An augmentation op on a tokenised text, shaped like the image ops: validated parameters, a
 * probability {@code p} enforced once here, {@link #sample} as the only place randomness happens
 * (it draws every choice, down to which synonym), and a pure {@link #apply}.
 *
 * @param <P> the drawn parameters
 */
public abstract class TextOp<P extends Record> {
    private final double p;

    protected TextOp(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    public final double p() {
        return p;
    }

    public String name() {
        return getClass().getSimpleName();
    }

    public final boolean toss(RandomGenerator random) {
        return random.nextDouble() < p;
    }

    /** Draws every choice of the op for this sentence. */
    protected abstract P sample(RandomGenerator random, Sentence sentence, Lexicon lexicon);

    /** Applies drawn choices; never changes {@code sentence}. */
    protected abstract Sentence apply(Sentence sentence, P params);

    protected abstract Map<String, Object> describe(P params);

    /** Draws and applies; returns the new sentence and the trace parameters. */
    public final Applied applyRandom(Sentence sentence, RandomGenerator random, Lexicon lexicon) {
        P params = sample(random, sentence, lexicon);
        return new Applied(apply(sentence, params), describe(params));
    }

    /** The result of one application. */
    public record Applied(Sentence sentence, Map<String, Object> trace) {
    }

    /** How many words an op with strength α changes in a sentence of {@code words} words: max(1, ⌊α·words⌋). */
    static int count(double alpha, int words) {
        return Math.max(1, (int) Math.floor(alpha * words));
    }

    static double checkAlpha(String name, double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + alpha);
        }
        return alpha;
    }

    /** The replacement written with the original's case: "Quick" → "Speedy", "NASA" → "SPACE AGENCY". */
    static String matchCase(String replacement, String original) {
        if (original.length() > 1 && original.equals(original.toUpperCase(Locale.ROOT))
                && !original.equals(original.toLowerCase(Locale.ROOT))) {
            return replacement.toUpperCase(Locale.ROOT);
        }
        if (!original.isEmpty() && Character.isUpperCase(original.charAt(0)) && !replacement.isEmpty()) {
            return Character.toUpperCase(replacement.charAt(0)) + replacement.substring(1);
        }
        return replacement;
    }
}
