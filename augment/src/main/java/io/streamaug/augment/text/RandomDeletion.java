package io.streamaug.augment.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * EDA's random deletion: each word is deleted with probability α; a text never comes out empty
 * (if every word was drawn for deletion, one random word stays). A deleted word's separator is
 * dropped unless it holds punctuation, which then follows the previous word.
 */
public final class RandomDeletion extends TextOp<RandomDeletion.Params> {
    /** Positions deleted, ascending. */
    public record Params(List<Integer> deleted) {
    }

    private final double alpha;

    public RandomDeletion(double alpha, double p) {
        super(p);
        this.alpha = checkAlpha("alpha", alpha);
    }

    @Override
    protected Params sample(RandomGenerator random, Sentence sentence, Lexicon lexicon) {
        List<Integer> deleted = new ArrayList<>();
        int size = sentence.size();
        for (int i = 0; i < size; i++) {
            if (random.nextDouble() < alpha) {
                deleted.add(i);
            }
        }
        if (size > 0 && deleted.size() == size) {
            deleted.remove(random.nextInt(size));
        }
        return new Params(deleted);
    }

    @Override
    protected Sentence apply(Sentence sentence, Params params) {
        boolean[] gone = new boolean[sentence.size()];
        params.deleted().forEach(i -> gone[i] = true);
        List<Sentence.Word> words = new ArrayList<>(sentence.size());
        String leading = sentence.leading();
        for (int i = 0; i < sentence.size(); i++) {
            Sentence.Word word = sentence.words().get(i);
            if (!gone[i]) {
                words.add(word);
            } else if (!word.gap().isBlank()) {
                if (words.isEmpty()) {
                    leading = leading + word.gap().strip() + (word.gap().endsWith(" ") ? " " : "");
                } else {
                    Sentence.Word previous = words.get(words.size() - 1);
                    words.set(words.size() - 1, new Sentence.Word(previous.text(), word.gap()));
                }
            }
        }
        return new Sentence(leading, words);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("deleted", params.deleted());
    }
}
