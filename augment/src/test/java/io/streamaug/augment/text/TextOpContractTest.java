package io.streamaug.augment.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.streamaug.augment.RegistryGuard;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.wire.OpTrace;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One contract for every registered text op, as OpContractTest is for image ops, over many seeds. */
class TextOpContractTest {
    private static final Lexicon LEXICON = Lexicon.get();
    private static final List<String> TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog, and the happy children laugh loudly!",
            "  Hello,   world... (it's 3pm) ", "Free entry: win a prize now!!", "word", "", "!!!");
    private static final int SEEDS = 100;

    static Stream<String> ops() {
        return TextOps.all().keySet().stream();
    }

    static TextPipeline pipeline(String example, long seed) {
        return new TextPipeline(new SpecLoader(List.of()).parseText("{type: text, seed: " + seed + ", ops: [" + example + "]}",
                "test"), LEXICON);
    }

    @ParameterizedTest
    @MethodSource("ops")
    void sameSeedGivesTheSameTextAndTraceAndTheOutputIsValid(String name) {
        String example = TextOps.all().get(name).example();
        Set<String> opNames = TextOps.all().keySet();
        int changed = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            TextPipeline first = pipeline(example, seed);
            TextPipeline second = pipeline(example, seed);
            for (int t = 0; t < TEXTS.size(); t++) {
                String text = TEXTS.get(t);
                int repeat = (int) (seed % 4);
                TextPipeline.Result a = first.augment("s" + t, Split.TRAIN, 0, repeat, text);
                TextPipeline.Result b = second.augment("s" + t, Split.TRAIN, 0, repeat, text);
                assertThat(b.text()).as("%s, seed %d", name, seed).isEqualTo(a.text());
                assertThat(b.trace()).as("%s, seed %d", name, seed).isEqualTo(a.trace());
                // Valid output: the rendered words are the text; words are non-blank and trimmed. (A word may hold a
                // space: RandomInsertion inserts a multi-word synonym, e.g. "john brown", as one word.)
                assertThat(a.augmented().render()).isEqualTo(a.text());
                assertThat(a.original().render()).as("the input is untouched").isEqualTo(text);
                for (String word : a.augmented().texts()) {
                    assertThat(word).as("%s, seed %d", name, seed).isNotBlank().isEqualTo(word.strip());
                }
                if (!a.original().words().isEmpty()) {
                    assertThat(a.augmented().words()).as("%s never empties a text", name).isNotEmpty();
                }
                for (OpTrace step : a.trace()) {
                    assertThat(opNames).contains(step.op());
                }
                changed += a.text().equals(text) ? 0 : 1;
            }
        }
        assertThat(changed).as("%s changes some texts", name).isPositive();
    }

    @ParameterizedTest
    @MethodSource("ops")
    void valAndTestAreNeverChanged(String name) {
        TextPipeline pipeline = pipeline(TextOps.all().get(name).example(), 5);
        for (Split split : List.of(Split.VAL, Split.TEST)) {
            for (String text : TEXTS) {
                TextPipeline.Result result = pipeline.augment("id", split, 0, 0, text);
                assertThat(result.text()).isEqualTo(text);
                assertThat(result.trace()).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ops")
    void pZeroIsTheIdentity(String name) {
        TextOps.Entry entry = TextOps.all().get(name);
        assumeTrue(entry.keys().contains("p"), name + " has no p (EDA's composite always applies one of its ops)");
        String example = entry.example().replace("p: 1", "p: 0");
        assertThat(example).contains("p: 0");
        for (long seed = 1; seed <= SEEDS; seed++) {
            TextPipeline pipeline = pipeline(example, seed);
            for (String text : TEXTS) {
                TextPipeline.Result result = pipeline.augment("id" + seed, Split.TRAIN, 0, 0, text);
                assertThat(result.text()).isEqualTo(text);
                assertThat(result.trace()).isEmpty();
            }
        }
    }

    @Test
    void everyTextOpClassIsRegistered() throws Exception {
        RegistryGuard.Found found = RegistryGuard.scan(TextOps.class, TextOp.class,
                TextOps.all().values().stream().map(TextOps.Entry::type).collect(Collectors.toSet()));
        assertThat(found.ops()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(found.unregistered()).as("text op classes missing from TextOps").isEmpty();
    }
}
