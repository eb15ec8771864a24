package io.streamaug.augment.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.augment.SampleRandom;
import io.streamaug.augment.spec.SpecException;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The invariants of each EDA op over many seeds, on real WordNet. */
class TextOpsTest {
    private static final Lexicon LEXICON = Lexicon.get();
    private static final String TEXT = "The quick brown fox jumps over the lazy dog, and the happy children laugh loudly!";
    private final Tokenizer tokenizer = new Tokenizer();

    @Test
    void tokenizingKeepsEverythingNeededToPutTheTextBack() {
        for (String text : List.of(TEXT, "  Hello,   world... (it's 3pm) ", "", "!!!", "e-mail me at x@y.org")) {
            assertThat(tokenizer.tokenize(text).render()).isEqualTo(text);
        }
        assertThat(tokenizer.tokenize(TEXT).texts()).startsWith("The", "quick", "brown").contains("dog", "laugh");
    }

    @Test
    void wordNetHasSynonymsForSomeWordsAndNeverReturnsTheWordItself() {
        assertThat(LEXICON.synonyms("quick")).isNotEmpty().doesNotContain("quick");
        assertThat(LEXICON.synonyms("Happy")).contains("glad");
        assertThat(LEXICON.synonyms("xyzzyq")).isEmpty();
        assertThat(LEXICON.synonyms("shirt")).isEmpty();
        assertThat(LEXICON.isStopWord("the")).isTrue();
        assertThat(LEXICON.isContentWord("fox")).isTrue();
        assertThat(LEXICON.isContentWord("3pm")).isFalse();
    }

    @Test
    void synonymReplacementChangesOnlyNonStopWordsAndTheRightNumberOfThem() {
        Sentence sentence = tokenizer.tokenize(TEXT);
        SynonymReplacement sr = new SynonymReplacement(0.2, 1);
        for (long seed = 0; seed < 200; seed++) {
            var applied = sr.applyRandom(sentence, new SplittableRandom(seed), LEXICON);
            SynonymReplacement.Params params = sr.sample(new SplittableRandom(seed), sentence, LEXICON);
            assertThat(params.replacements()).hasSize(Math.max(1, (int) (0.2 * sentence.size())));
            for (SynonymReplacement.Replacement r : params.replacements()) {
                String original = sentence.word(r.index());
                assertThat(LEXICON.isStopWord(original)).isFalse();
                assertThat(r.synonym()).isNotEqualToIgnoringCase(original);
                assertThat(LEXICON.synonyms(original)).contains(r.synonym());
            }
            // Every stop word of the original is still there, in order.
            List<String> stops = sentence.texts().stream().filter(LEXICON::isStopWord).toList();
            assertThat(applied.sentence().texts().stream().filter(LEXICON::isStopWord).toList()).containsSubsequence(stops);
            assertThat(applied.sentence().render()).endsWith("!");
        }
    }

    @Test
    void wordsWithoutSynonymsAreLeftAlone() {
        Sentence sentence = tokenizer.tokenize("the xyzzyq of the");
        var applied = new SynonymReplacement(0.5, 1).applyRandom(sentence, new SplittableRandom(1), LEXICON);
        assertThat(applied.sentence().render()).isEqualTo("the xyzzyq of the");
    }

    @Test
    void randomSwapKeepsTheMultisetOfWordsAndThePunctuation() {
        Sentence sentence = tokenizer.tokenize(TEXT);
        RandomSwap rs = new RandomSwap(0.3, 1);
        List<String> sorted = new ArrayList<>(sentence.texts());
        Collections.sort(sorted);
        boolean changed = false;
        for (long seed = 0; seed < 200; seed++) {
            Sentence out = rs.applyRandom(sentence, new SplittableRandom(seed), LEXICON).sentence();
            List<String> words = new ArrayList<>(out.texts());
            changed |= !words.equals(sentence.texts());
            Collections.sort(words);
            assertThat(words).isEqualTo(sorted);
            assertThat(out.render()).contains(", ").endsWith("!");
        }
        assertThat(changed).isTrue();
    }

    @Test
    void randomDeletionNeverReturnsEmptyAndDeletesAboutP() {
        RandomDeletion rd = new RandomDeletion(0.3, 1);
        Sentence sentence = tokenizer.tokenize(TEXT);
        long deleted = 0;
        long total = 0;
        for (long seed = 0; seed < 5000; seed++) {
            Sentence out = rd.applyRandom(sentence, new SplittableRandom(seed), LEXICON).sentence();
            deleted += sentence.size() - out.size();
            total += sentence.size();
        }
        // 5000 × 15 Bernoulli(0.3) draws: sd of the rate ≈ 0.0017.
        assertThat((double) deleted / total).isCloseTo(0.3, within(0.01));
        RandomDeletion all = new RandomDeletion(1.0, 1);
        for (long seed = 0; seed < 100; seed++) {
            Sentence out = all.applyRandom(tokenizer.tokenize("one two three"), new SplittableRandom(seed), LEXICON).sentence();
            assertThat(out.size()).isEqualTo(1);
            assertThat(out.render()).isNotBlank();
        }
    }

    @Test
    void randomInsertionAddsSynonymsOfWordsInTheText() {
        Sentence sentence = tokenizer.tokenize(TEXT);
        RandomInsertion ri = new RandomInsertion(0.2, 1);
        for (long seed = 0; seed < 200; seed++) {
            RandomInsertion.Params params = ri.sample(new SplittableRandom(seed), sentence, LEXICON);
            assertThat(params.insertions()).hasSize(Math.max(1, (int) (0.2 * sentence.size())));
            // As in EDA's reference code, a later insertion may draw from a word inserted before it.
            Set<String> words = new HashSet<>(sentence.texts());
            for (RandomInsertion.Insertion insertion : params.insertions()) {
                assertThat(words.stream().anyMatch(w -> LEXICON.synonyms(w).contains(insertion.synonym())))
                        .as(insertion.synonym()).isTrue();
                words.add(insertion.synonym());
            }
            Sentence out = ri.applyRandom(sentence, new SplittableRandom(seed), LEXICON).sentence();
            assertThat(out.render()).endsWith("!");
            assertThat(out.render().split("\\s+").length).isGreaterThanOrEqualTo(sentence.size() + params.insertions().size());
        }
    }

    @Test
    void edaMakesEachVariantWithOneOpAndIsReplayable() {
        TextSpec spec = new SpecLoader(List.of()).parseText("{type: text, repeats: 4, ops: [{op: Eda}]}", "t");
        TextPipeline pipeline = new TextPipeline(spec, LEXICON);
        List<String> ops = new ArrayList<>();
        for (int repeat = 0; repeat < 4; repeat++) {
            var result = pipeline.augment("m1", Split.TRAIN, 0, repeat, TEXT);
            assertThat(result.trace()).hasSize(1);
            ops.add(result.trace().get(0).op());
            assertThat(pipeline.augment("m1", Split.TRAIN, 0, repeat, TEXT).text()).isEqualTo(result.text());
        }
        assertThat(ops).containsExactly("SynonymReplacement", "RandomInsertion", "RandomSwap", "RandomDeletion");
        assertThat(pipeline.augment("m1", Split.VAL, 0, 0, TEXT).text()).isEqualTo(TEXT);
        assertThat(pipeline.augment("m1", Split.TRAIN, 1, 0, TEXT).text())
                .isNotEqualTo(pipeline.augment("m1", Split.TRAIN, 0, 0, TEXT).text());
        assertThat(SampleRandom.forSample(1, "a", 0, 0).nextLong()).isEqualTo(SampleRandom.forSample(1, "a", 0, 0).nextLong());
    }

    @Test
    void textSpecErrorsNameTheKey() {
        SpecLoader loader = new SpecLoader(List.of());
        assertThatThrownBy(() -> loader.parseText("{type: text, ops: [{op: Eda, alpha_sr: 2}]}", "t"))
                .isInstanceOf(SpecException.class).hasMessageContaining("ops[0].alpha_sr: must be in [0.0, 1.0]");
        assertThatThrownBy(() -> loader.parseText("{type: text, ops: [{op: Shuffle}]}", "t"))
                .hasMessageContaining("ops[0].op: unknown text op 'Shuffle'");
        assertThatThrownBy(() -> loader.parseText("{type: text, ops: [{op: RandomSwap, alpah: 0.1}]}", "t"))
                .hasMessageContaining("ops[0].alpah: unknown key");
        assertThatThrownBy(() -> loader.parseText("{type: text, ops: [{op: Eda, alpha_sr: 0, alpha_ri: 0, alpha_rs: 0, alpha_rd: 0}]}", "t"))
                .hasMessageContaining("ops[0]: (Eda) Eda needs at least one α");
        assertThatThrownBy(() -> loader.parse("{type: text}", "t")).hasMessageContaining("this is a text spec");
        assertThat(SpecLoader.resolveText("eda").repeats()).isEqualTo(4);
    }

    @Test
    void caseIsKeptWhenAWordIsReplaced() {
        assertThat(TextOp.matchCase("speedy", "Quick")).isEqualTo("Speedy");
        assertThat(TextOp.matchCase("space agency", "NASA")).isEqualTo("SPACE AGENCY");
        assertThat(TextOp.matchCase("speedy", "quick")).isEqualTo("speedy");
    }
}
