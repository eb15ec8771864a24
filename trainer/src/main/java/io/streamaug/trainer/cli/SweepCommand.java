package io.streamaug.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.cli.UsageException;
import io.streamaug.trainer.config.RecipeOptions;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.OnlineTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug sweep}: augment once, train many. Starts one trainer per point of a grid over
 * config keys, each in its own consumer group on the same augmented stream, and prints a table.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one model per combination of the --grid values on the same augmented stream "
                + "(each its own consumer group, named NAME-1, NAME-2, …), then print a results table.",
            "Every trainer needs an end: --idle-timeout, --max-steps or --max-samples."})
public final class SweepCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RecipeOptions recipe;

    @Option(names = "--grid", arity = "1..*", required = true, paramLabel = "KEY=V1,V2",
            description = "Config keys and their values, e.g. --grid lr=1e-3,3e-4 weight_decay=1e-4,5e-4.")
    List<String> grid;

    @Option(names = "--parallel", description = "Trainers at a time (default: the number of cores, at most the grid size).")
    Integer parallel;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "${env:STREAMAUG_RUNS:-" + TrainerSetup.DEFAULT_RUNS + "}",
            description = "Directory of runs (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Override
    public Integer call() throws Exception {
        Map<String, List<String>> axes = parseGrid(grid);
        TrainConfig base = recipe.load(Map.of());
        if (base.io().idleTimeout() == 0 && base.io().maxSteps() == 0 && base.io().maxSamples() == 0) {
            throw new UsageException("a sweep's trainers need an end: add --idle-timeout SECONDS, --max-steps N or --max-samples N");
        }
        List<Map<String, String>> points = product(axes);
        List<TrainConfig> configs = new ArrayList<>();
        String prefix = "default".equals(base.name()) ? "sweep" : base.name();
        for (int i = 0; i < points.size(); i++) {
            Map<String, String> point = new LinkedHashMap<>(points.get(i));
            point.put("name", prefix + "-" + (i + 1));
            configs.add(base.with(point));
        }
        TrainerSetup.Dataset dataset = TrainerSetup.dataset(kafka, base.dataset());
        int threads = parallel != null ? parallel : Math.min(points.size(), Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new UsageException("--parallel must be at least 1, got " + threads);
        }
        System.err.printf("sweep: %d trainers over %s, %d at a time, on %s%n", configs.size(), axes.keySet(), threads,
                kafka.topics().augmentedTrain());
        // Ctrl-C stops the running trainers (each writes its checkpoint), starts no more, and prints the table so far.
        List<OnlineTrainer> running = new CopyOnWriteArrayList<>();
        AtomicBoolean stopping = new AtomicBoolean();
        GracefulStop stop = new GracefulStop(() -> {
            stopping.set(true);
            running.forEach(OnlineTrainer::stop);
        }, Duration.ofSeconds(60), "streamaug-sweep-shutdown");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<OnlineTrainer.Result>> futures = new ArrayList<>();
            for (TrainConfig config : configs) {
                futures.add(pool.submit(() -> {
                    if (stopping.get()) {
                        return null;
                    }
                    OnlineTrainer trainer = new OnlineTrainer(kafka.clientProperties(), kafka.topics(), config,
                            TrainerSetup.runDir(runs, config), dataset.info().classes(), dataset.stats(),
                            line -> System.err.println(line))
                            .command(io.streamaug.core.cli.Commands.typed(spec) + "  (trainer " + config.name() + ")");
                    running.add(trainer);
                    if (stopping.get()) {
                        trainer.stop(); // the hook may have passed the list before this trainer joined it
                    }
                    return trainer.run();
                }));
            }
            pool.shutdown();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                OnlineTrainer.Result result = futures.get(i).get();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", configs.get(i).name());
                row.putAll(points.get(i));
                if (result != null) {
                    row.putAll(TrainCommand.summary(configs.get(i), result));
                } else {
                    row.put("steps", "not started");
                }
                rows.add(row);
            }
            printTable(axes.keySet(), rows);
            if (json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), rows);
            }
        } finally {
            pool.shutdownNow();
            stop.close();
        }
        return 0;
    }

    static Map<String, List<String>> parseGrid(List<String> grid) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String entry : grid) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new UsageException("--grid takes KEY=V1,V2,…, got '" + entry + "'");
            }
            String key = entry.substring(0, eq).strip().replace('-', '_');
            List<String> values = List.of(entry.substring(eq + 1).split(","));
            if (List.of("name", "dataset").contains(key)) {
                throw new UsageException("--grid cannot vary " + key + ": a sweep trains one dataset, and names its trainers itself");
            }
            TrainConfig.defaults().with(Map.of(key, values.get(0))); // unknown keys and bad values fail here, in one line
            axes.put(key, values);
        }
        return axes;
    }

    static List<Map<String, String>> product(Map<String, List<String>> axes) {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (var axis : axes.entrySet()) {
            List<Map<String, String>> grown = new ArrayList<>();
            for (Map<String, String> point : points) {
                for (String value : axis.getValue()) {
                    Map<String, String> p = new LinkedHashMap<>(point);
                    p.put(axis.getKey(), value.strip());
                    grown.add(p);
                }
            }
            points = grown;
        }
        return points;
    }

    private static void printTable(Iterable<String> keys, List<Map<String, Object>> rows) {
        List<String> columns = new ArrayList<>(List.of("name"));
        keys.forEach(columns::add);
        columns.addAll(List.of("steps", "val_accuracy", "val_loss", "stopped_early", "samples_per_s"));
        StringBuilder header = new StringBuilder();
        for (String c : columns) {
            header.append(String.format(Locale.ROOT, "%-14s", c));
        }
        System.out.println(header.toString().stripTrailing());
        for (Map<String, Object> row : rows) {
            StringBuilder line = new StringBuilder();
            for (String c : columns) {
                line.append(String.format(Locale.ROOT, "%-14s", String.valueOf(row.getOrDefault(c, "-"))));
            }
            System.out.println(line.toString().stripTrailing());
        }
    }
}
