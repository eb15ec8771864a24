package io.streamaug.worker.produce;

import io.streamaug.datasets.TextCorpus;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.Progress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.producer.Producer;

/**
 * Writes labelled texts as raw text records (UTF-8 value; label, split, dataset, content-type and
 * epoch headers) and the dataset's definition. Splits train/val/test by seeded fractions; each
 * epoch replays the train split in a fresh order.
 */
public final class TextProducer {
    /** How to split and replay. */
    public record Plan(String dataset, double valFraction, double testFraction, long seed, int epochs) {
        public Plan {
            if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
                throw new IllegalArgumentException("--val-fraction and --test-fraction must be ≥ 0 and sum to less than 1");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
            }
        }
    }

    private final Topics topics;
    private final RawRecordSender sender;

    public TextProducer(Producer<String, byte[]> producer, Topics topics) {
        this.topics = topics;
        this.sender = new RawRecordSender(producer, topics);
    }

    /**
     * Produces the rows. Classes are {@code classes} when given (rows with another label are
     * skipped and reported), else the sorted distinct labels of the rows.
     */
    public ProduceSummary produce(TextCorpus.Loaded corpus, List<String> classes, Plan plan) {
        long started = System.nanoTime();
        List<String> skipped = new ArrayList<>(corpus.skipped());
        List<String> classList = classes.isEmpty()
                ? List.copyOf(new TreeSet<>(corpus.rows().stream().map(TextCorpus.Row::label).toList())) : classes;
        List<TextCorpus.Row> rows = new ArrayList<>();
        for (TextCorpus.Row row : corpus.rows()) {
            if (classList.contains(row.label())) {
                rows.add(row);
            } else {
                skipped.add(row.where() + ": label '" + row.label() + "' is not one of " + classList);
            }
        }
        if (classList.isEmpty()) {
            throw new IllegalArgumentException("no usable rows: nothing to produce" + (skipped.isEmpty() ? "" : "; first problem: " + skipped.get(0)));
        }
        DatasetInfo info = new DatasetInfo(plan.dataset(), classList, 0, 0, 0);
        sender.define(info);
        Split[] splits = SplitPlan.assign(rows.size(), plan.valFraction(), plan.testFraction(), plan.seed());
        List<Integer> train = new ArrayList<>();
        Map<Split, int[]> perClass = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            perClass.put(split, new int[classList.size()]);
        }
        long total = 0;
        for (int i = 0; i < rows.size(); i++) {
            total += splits[i] == Split.TRAIN ? plan.epochs() : 1;
            if (splits[i] == Split.TRAIN) {
                train.add(i);
            }
        }
        try (ProgressBar bar = Progress.bar("produce " + info.name(), total, "rec")) {
            for (int i = 0; i < rows.size(); i++) {
                if (splits[i] != Split.TRAIN) {
                    send(info, rows.get(i), splits[i], 0, perClass, bar);
                }
            }
            for (int epoch = 0; epoch < plan.epochs(); epoch++) {
                for (int i : SplitPlan.epochOrder(train, plan.seed(), epoch)) {
                    send(info, rows.get(i), Split.TRAIN, epoch, perClass, bar);
                }
            }
            sender.flush();
        }
        return new ProduceSummary(info, perClass, List.copyOf(skipped), (System.nanoTime() - started) / 1e9);
    }

    private void send(DatasetInfo info, TextCorpus.Row row, Split split, int epoch, Map<Split, int[]> perClass, ProgressBar bar) {
        bar.step();
        int label = info.classIndex(row.label());
        sender.send(topics.rawText(), row.id(), row.text().getBytes(StandardCharsets.UTF_8), info, label, split, epoch,
                "text/plain; charset=utf-8");
        perClass.get(split)[label]++;
    }

}
