package io.streamaug.augment.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * EDA's random insertion: n = max(1, ⌊α·words⌋) times, a synonym of a random non-stop word is
 * inserted at a random position (up to ten tries to find a word with synonyms, as the reference
 * code does; none found: nothing is inserted).
 */
public final class RandomInsertion extends TextOp<RandomInsertion.Params> {
    /** One insertion into the word list as it stands after the previous ones. */
    public record Insertion(int position, String synonym) {
    }

    /** The drawn insertions, in order. */
    public record Params(List<Insertion> insertions) {
    }

    private final double alpha;

    public RandomInsertion(double alpha, double p) {
        super(p);
        this.alpha = checkAlpha("alpha", alpha);
    }

    @Override
    protected Params sample(RandomGenerator random, Sentence sentence, Lexicon lexicon) {
        List<String> words = new ArrayList<>(sentence.texts());
        List<Insertion> insertions = new ArrayList<>();
        if (words.isEmpty()) {
            return new Params(insertions);
        }
        int n = count(alpha, words.size());
        for (int k = 0; k < n; k++) {
            for (int attempt = 0; attempt < 10; attempt++) {
                String source = words.get(random.nextInt(words.size()));
                List<String> synonyms = lexicon.isContentWord(source) ? lexicon.synonyms(source) : List.of();
                if (!synonyms.isEmpty()) {
                    String synonym = synonyms.get(random.nextInt(synonyms.size()));
                    int position = random.nextInt(words.size() + 1);
                    words.add(position, synonym);
                    insertions.add(new Insertion(position, synonym));
                    break;
                }
            }
        }
        return new Params(insertions);
    }

    @Override
    protected Sentence apply(Sentence sentence, Params params) {
        List<Sentence.Word> words = new ArrayList<>(sentence.words());
        for (Insertion insertion : params.insertions()) {
            if (insertion.position() < words.size()) {
                words.add(insertion.position(), new Sentence.Word(insertion.synonym(), " "));
            } else { // at the end: the last word's trailing punctuation moves after the new word
                Sentence.Word last = words.get(words.size() - 1);
                words.set(words.size() - 1, new Sentence.Word(last.text(), " "));
                words.add(new Sentence.Word(insertion.synonym(), last.gap()));
            }
        }
        return new Sentence(sentence.leading(), words);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("inserted", params.insertions().stream().map(i -> List.of(i.position(), i.synonym())).toList());
    }
}
