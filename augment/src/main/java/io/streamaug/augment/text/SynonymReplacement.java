package io.streamaug.augment.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * EDA's synonym replacement: n = max(1, ⌊α·words⌋) distinct non-stop words that WordNet has
 * synonyms for, each replaced by one of them drawn uniformly (never the word itself; a multi-word
 * lemma becomes several words). Words without synonyms are left alone.
 */
public final class SynonymReplacement extends TextOp<SynonymReplacement.Params> {
    /** One replacement: the word's position and its synonym. */
    public record Replacement(int index, String synonym) {
    }

    /** The drawn replacements. */
    public record Params(List<Replacement> replacements) {
    }

    private final double alpha;

    public SynonymReplacement(double alpha, double p) {
        super(p);
        this.alpha = checkAlpha("alpha", alpha);
    }

    @Override
    protected Params sample(RandomGenerator random, Sentence sentence, Lexicon lexicon) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < sentence.size(); i++) {
            if (lexicon.isContentWord(sentence.word(i)) && !lexicon.synonyms(sentence.word(i)).isEmpty()) {
                candidates.add(i);
            }
        }
        int n = Math.min(count(alpha, sentence.size()), candidates.size());
        List<Replacement> replacements = new ArrayList<>(n);
        for (int k = 0; k < n; k++) { // partial Fisher–Yates over the candidates
            int j = k + random.nextInt(candidates.size() - k);
            int index = candidates.get(j);
            candidates.set(j, candidates.get(k));
            candidates.set(k, index);
            List<String> synonyms = lexicon.synonyms(sentence.word(index));
            replacements.add(new Replacement(index, synonyms.get(random.nextInt(synonyms.size()))));
        }
        return new Params(replacements);
    }

    @Override
    protected Sentence apply(Sentence sentence, Params params) {
        String[] replaced = new String[sentence.size()];
        for (Replacement r : params.replacements()) {
            replaced[r.index()] = matchCase(r.synonym(), sentence.word(r.index()));
        }
        List<Sentence.Word> words = new ArrayList<>(sentence.size() + 4);
        for (int i = 0; i < sentence.size(); i++) {
            Sentence.Word word = sentence.words().get(i);
            if (replaced[i] == null) {
                words.add(word);
                continue;
            }
            String[] parts = replaced[i].split(" ");
            for (int k = 0; k < parts.length; k++) {
                words.add(new Sentence.Word(parts[k], k == parts.length - 1 ? word.gap() : " "));
            }
        }
        return new Sentence(sentence.leading(), words);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("replaced", params.replacements().stream().map(r -> List.of(r.index(), r.synonym())).toList());
    }
}
