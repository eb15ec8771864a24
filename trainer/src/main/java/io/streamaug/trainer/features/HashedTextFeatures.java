package io.streamaug.trainer.features;

import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Text;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text as hashed bag-of-words and bigrams (the hashing trick): lower-cased word tokens and adjacent
 * pairs hash into {@code dim} buckets; each bucket holds log(1 + count); the row is L2-normalised.
 * No vocabulary to fit or ship: the dimension is the whole model of the featuriser, so it works
 * on an unbounded stream. The hash is {@link String#hashCode()} (specified by the JLS, so stable
 * across JVMs) mixed with a 64-bit finaliser.
 */
public record HashedTextFeatures(int dim) implements Featuriser {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’]*");

    public HashedTextFeatures {
        if (dim < 16) {
            throw new IllegalArgumentException("text feature dimension must be ≥ 16, got " + dim);
        }
    }

    @Override
    public int size() {
        return dim;
    }

    @Override
    public void write(PreparedSample sample, float[] dst, int offset) {
        java.util.Arrays.fill(dst, offset, offset + dim, 0f);
        String text = ((Text) sample.payload()).text().toLowerCase(Locale.ROOT);
        Matcher m = WORD.matcher(text);
        String previous = null;
        while (m.find()) {
            String token = m.group();
            dst[offset + bucket(token.hashCode())] += 1f;
            if (previous != null) {
                dst[offset + bucket(previous.hashCode() * 31 + 0x5bd1e995 + token.hashCode())] += 1f;
            }
            previous = token;
        }
        double norm = 0;
        for (int i = offset; i < offset + dim; i++) {
            if (dst[i] != 0f) {
                dst[i] = (float) Math.log1p(dst[i]);
                norm += dst[i] * dst[i];
            }
        }
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = offset; i < offset + dim; i++) {
                dst[i] *= scale;
            }
        }
    }

    private int bucket(int hash) {
        long z = hash * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) Math.floorMod(z, (long) dim);
    }

    @Override
    public void check(PreparedSample sample) {
        if (!(sample.payload() instanceof Text)) {
            throw new IllegalArgumentException("sample " + sample.id() + " is an image; this model takes text");
        }
    }

    @Override
    public String describe() {
        return "text hashed into " + dim + " word and bigram features";
    }

    @Override
    public Map<String, Object> toMap() {
        return Map.of("kind", "hashed-text", "dim", dim);
    }
}
