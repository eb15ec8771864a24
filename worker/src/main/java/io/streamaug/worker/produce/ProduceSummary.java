package io.streamaug.worker.produce;

import io.streamaug.core.DatasetInfo;
import io.streamaug.core.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a producer wrote: records per split and class, and the inputs it skipped with the reason. */
public record ProduceSummary(DatasetInfo dataset, Map<Split, int[]> perClass, List<String> skipped, double seconds) {
    public int total() {
        return perClass.values().stream().mapToInt(counts -> java.util.Arrays.stream(counts).sum()).sum();
    }

    public int count(Split split) {
        return java.util.Arrays.stream(perClass.get(split)).sum();
    }

    /** One line per split (count and per-class counts), then how many inputs were skipped and the first reason. */
    public List<String> lines() {
        List<String> lines = splitLines();
        if (!skipped.isEmpty()) {
            lines.add("skipped " + skipped.size() + " unusable input(s), first: " + skipped.get(0));
        }
        return lines;
    }

    /** One line per split: count and per-class counts. */
    public List<String> splitLines() {
        List<String> lines = new ArrayList<>();
        for (Split split : Split.values()) {
            int[] counts = perClass.get(split);
            StringBuilder line = new StringBuilder(String.format("%-5s %7d records", split.wireName(), count(split)));
            if (count(split) > 0) {
                line.append("  (");
                for (int c = 0; c < counts.length; c++) {
                    line.append(c == 0 ? "" : ", ").append(dataset.classes().get(c)).append(' ').append(counts[c]);
                }
                line.append(')');
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
