package io.streamaug.augment.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** EDA's random swap: n = max(1, ⌊α·words⌋) swaps of the words at two random positions; separators stay put. */
public final class RandomSwap extends TextOp<RandomSwap.Params> {
    /** The drawn pairs of positions, swapped in order. */
    public record Params(List<List<Integer>> swaps) {
    }

    private final double alpha;

    public RandomSwap(double alpha, double p) {
        super(p);
        this.alpha = checkAlpha("alpha", alpha);
    }

    @Override
    protected Params sample(RandomGenerator random, Sentence sentence, Lexicon lexicon) {
        List<List<Integer>> swaps = new ArrayList<>();
        int size = sentence.size();
        if (size < 2) {
            return new Params(swaps);
        }
        for (int k = 0, n = count(alpha, size); k < n; k++) {
            int a = random.nextInt(size);
            int b = random.nextInt(size - 1);
            swaps.add(List.of(a, b >= a ? b + 1 : b)); // two distinct positions
        }
        return new Params(swaps);
    }

    @Override
    protected Sentence apply(Sentence sentence, Params params) {
        String[] texts = sentence.texts().toArray(String[]::new);
        for (List<Integer> swap : params.swaps()) {
            String t = texts[swap.get(0)];
            texts[swap.get(0)] = texts[swap.get(1)];
            texts[swap.get(1)] = t;
        }
        List<Sentence.Word> words = new ArrayList<>(texts.length);
        for (int i = 0; i < texts.length; i++) {
            words.add(new Sentence.Word(texts[i], sentence.words().get(i).gap()));
        }
        return new Sentence(sentence.leading(), words);
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("swapped", params.swaps());
    }
}
