package io.streamaug.augment.offline;

import io.streamaug.datasets.TextCorpus;
import io.streamaug.augment.text.Lexicon;
import io.streamaug.augment.text.TextPipeline;
import io.streamaug.augment.text.TextSpec;
import io.streamaug.core.Split;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints texts beside their augmented variants, with the changed words marked. */
public final class TextPreview {
    private TextPreview() {
    }

    public static void print(TextSpec spec, List<TextCorpus.Row> rows, int words, PrintStream out) {
        TextPipeline pipeline = new TextPipeline(spec, Lexicon.get());
        out.println("[+word] was added or put in, [-word] was removed or moved; " + spec.repeats() + " variant(s) per text");
        for (TextCorpus.Row row : rows) {
            String text = TextCorpus.firstWords(row.text(), words);
            out.println();
            out.println(row.id() + " (" + row.label() + ")");
            out.println("  original: " + text.replaceAll("\\s+", " ").strip() + (text.length() < row.text().strip().length() ? " …" : ""));
            for (int repeat = 0; repeat < spec.repeats(); repeat++) {
                TextPipeline.Result result = pipeline.augment(row.id(), Split.TRAIN, 0, repeat, text);
                String ops = result.trace().stream().map(t -> t.op()).reduce((a, b) -> a + "+" + b).orElse("none");
                out.printf("  %-9s %s%n", ops.length() > 9 ? abbreviate(ops) + ":" : ops + ":",
                        marked(result.original().texts(), result.augmented().texts()));
            }
        }
    }

    private static String abbreviate(String ops) {
        return ops.replaceAll("[a-z]", "");
    }


    /** A word-level diff (longest common subsequence) of the variant against the original. */
    static String marked(List<String> original, List<String> variant) {
        int n = original.size();
        int m = variant.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = original.get(i).equals(variant.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && original.get(i).equals(variant.get(j))) {
                out.add(variant.get(j));
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("[+" + variant.get(j++) + "]");
            } else {
                out.add("[-" + original.get(i++) + "]");
            }
        }
        return String.join(" ", out);
    }
}
