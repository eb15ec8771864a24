package io.streamaug.trainer.cli;

import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.DatasetStats;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import io.streamaug.trainer.config.TrainConfig;
import java.nio.file.Path;
import java.time.Duration;

/** What every trainer command looks up first: the dataset's classes and its training-set stats. */
public final class TrainerSetup {
    /** Where runs live unless {@code --runs} says otherwise: {@code RUNS/NAME/{metrics.jsonl,curves.png,checkpoints/}}. */
    public static final String DEFAULT_RUNS = ".streamaug/runs";

    /** The dataset's definition and its stats ({@code null} when none are published, e.g. a fixed mean/std spec). */
    public record Dataset(DatasetInfo info, DatasetStats stats) {
    }

    private TrainerSetup() {
    }

    public static Dataset dataset(KafkaOptions kafka, String name) {
        kafka.connect(Duration.ofSeconds(10)).close(); // fail fast with the connect message when no broker answers
        DatasetInfo info = DatasetCatalog.read(kafka.clientProperties(), kafka.topics(), Duration.ofSeconds(10)).get(name);
        if (info == null) {
            throw new UsageException("dataset '" + name + "' is not defined on " + kafka.topics().datasets()
                    + "; produce it first ('./streamaug produce images --data DIR --dataset " + name + kafka.commandFlags()
                    + "') or define it ('./streamaug dataset --name " + name + " --classes A,B,… --channels 1|3"
                    + kafka.commandFlags() + "')");
        }
        DatasetStats stats = DatasetCatalog.readStats(kafka.clientProperties(), kafka.topics(), Duration.ofSeconds(10)).get(name);
        return new Dataset(info, stats);
    }

    public static Path runDir(Path runs, TrainConfig config) {
        return runs.resolve(config.name());
    }
}
