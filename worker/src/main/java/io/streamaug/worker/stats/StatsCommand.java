package io.streamaug.worker.stats;

import io.streamaug.worker.ImageLimitOptions;
import io.streamaug.augment.image.ImageLimits;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.DatasetStats;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.cli.JsonOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug stats}: the training split's per-channel mean and std, published under a new version. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Compute a dataset's per-channel mean and std over its train split (never val or test).",
            "It reads the raw images topic up to the end offsets found at start, and publishes them under a new "
                + "version to the compacted stats topic, where workers and trainers read them.",
            "Records the workers would dead-letter (a broken contract, an image their decoder refuses under the same "
                + "limits) are skipped, counted and listed, so the statistics describe exactly the images trained on."})
public final class StatsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "The dataset (as in the 'dataset' header).")
    String dataset;

    @Mixin
    ImageLimitOptions imageLimits;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws IOException {
        json.check();
        DatasetInfo info;
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            info = DatasetCatalog.read(kafka.clientProperties(), kafka.topics(), Duration.ofSeconds(10)).get(dataset);
        }
        if (info == null) {
            throw new UsageException("dataset '" + dataset + "' is not defined on " + kafka.topics().datasets()
                    + "; produce it first ('./streamaug produce images --data DIR --dataset " + dataset + kafka.commandFlags()
                    + "'), which defines it");
        }
        if (info.channels() == 0) {
            throw new UsageException("dataset '" + dataset + "' is text: there are no pixel statistics to compute");
        }
        ImageLimits limits = imageLimits.limits();
        StatsJob.Outcome outcome = StatsJob.compute(kafka.clientProperties(), kafka.topics(), info, limits, Duration.ofSeconds(30));
        if (outcome.stats().images() == 0) {
            throw new UsageException("no train images of dataset '" + dataset + "' on " + kafka.topics().rawImages()
                    + (outcome.skipped() == 0 ? "" : " that the workers would accept (" + outcome.skipped()
                            + " skipped, the first: " + outcome.firstSkipped().get(0) + ")"));
        }
        DatasetStats published = StatsJob.publish(kafka.clientProperties(), kafka.topics(), outcome.stats(), Duration.ofSeconds(10));
        System.out.printf(Locale.ROOT, "statistics of '%s' version %d over %d train images (%d records read%s):%n  mean %s%n  std  %s%n",
                dataset, published.version(), published.images(), outcome.recordsRead(),
                outcome.skipped() > 0 ? ", " + outcome.skipped() + " skipped that the workers would dead-letter" : "",
                format(published.mean()), format(published.std()));
        if (outcome.skipped() > 0) {
            System.out.printf(Locale.ROOT, "skipped (%s):%n", outcome.skipped() > outcome.firstSkipped().size()
                    ? "the first " + outcome.firstSkipped().size() + " of " + outcome.skipped() : "all " + outcome.skipped());
            for (StatsJob.Skip skip : outcome.firstSkipped()) {
                System.out.println("  " + skip);
            }
        }
        json.write(toMap(published, outcome));
        return 0;
    }

    /** The results for {@code --json}: the statistics, and what was skipped that the workers would dead-letter. */
    static Map<String, Object> toMap(DatasetStats published, StatsJob.Outcome outcome) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", published.dataset());
        out.put("version", published.version());
        out.put("images", published.images());
        out.put("mean", published.mean());
        out.put("std", published.std());
        out.put("records_read", outcome.recordsRead());
        out.put("skipped", outcome.skipped());
        List<Map<String, Object>> first = new ArrayList<>();
        for (StatsJob.Skip skip : outcome.firstSkipped()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("key", skip.key());
            one.put("partition", skip.partition());
            one.put("offset", skip.offset());
            one.put("reason", skip.reason());
            first.add(one);
        }
        out.put("first_skipped", first);
        return out;
    }

    private static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.9f", v)).toList().toString();
    }
}
