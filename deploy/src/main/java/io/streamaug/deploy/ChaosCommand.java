package io.streamaug.deploy;

import io.streamaug.core.cli.JsonOutput;
import io.streamaug.core.cli.UsageException;
import io.streamaug.deploy.chaos.ChaosRun;
import io.streamaug.deploy.chaos.ChaosSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug chaos}: the product's own fault verifier. It prints {@value ChaosRun#ALL_DELIVERED}
 * only when every prepared record is there exactly once with the bytes of a fault-free run, and the
 * trainer trained every train record exactly once across its restarts.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Run the pipeline on a local three-broker cluster under repeated faults, then verify it.",
            "Faults, on a seeded schedule while input keeps arriving: kill -9 a worker and start a replacement, "
                + "kill -9 a broker and restart it, rescale the workers 3 → 1 → 4 → 3, kill -9 the trainer and restart it. "
                + "A worker or broker fault waits until the workers have committed since the previous one (at most 60 s), "
                + "so that each hits a running application.",
            "Then every prepared record must be there exactly once with the bytes of a fault-free run of the same input "
                + "through one worker, and the trainer must have trained every train record exactly once.",
            "Exit status 0 only then. Loopback only; every process it starts is stopped by PID."})
public final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "100000", paramLabel = "N",
            description = "Raw image records: the bundled Fashion-MNIST replayed (default: ${DEFAULT-VALUE}; --quick: 12,000).")
    int records;

    @Option(names = "--quick", description = "A short run for CI: 12,000 records, 4 worker kills, 1 broker bounce, "
            + "the rescales and 2 trainer kills over 60 s (about 3 minutes in all).")
    boolean quick;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault schedule and the data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".streamaug/chaos",
            description = "Working directory, emptied first: brokers' data, state, logs (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--membership", defaultValue = "static", paramLabel = "static|dynamic|streams",
            description = "Workers' group membership: static (each worker slot keeps its --instance-id, as StatefulSet "
                + "pods do), dynamic, or streams (Kafka 4's broker-side streams rebalance protocol, "
                + "--kafka group.protocol=streams) (default: ${DEFAULT-VALUE}).")
    String membership;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws Exception {
        ChaosRun.Membership chosen = java.util.Arrays.stream(ChaosRun.Membership.values())
                .filter(m -> m.label().equals(membership)).findFirst()
                .orElseThrow(() -> new UsageException("--membership is static, dynamic or streams, not '" + membership + "'"));
        if (records < 1) {
            throw new UsageException("--records must be at least 1, got " + records);
        }
        json.check();
        int n = quick && records == 100_000 ? 12_000 : records;
        ChaosSchedule.Plan plan = quick ? new ChaosSchedule.Plan(60, 4, 1, List.of(1, 4, 3), 2, 3)
                : new ChaosSchedule.Plan(420, 20, 3, List.of(1, 4, 3), 5, 3);
        if (Files.exists(dir)) {
            DemoCommand.deleteRecursively(dir);
        }
        ChaosRun run = new ChaosRun(new ChaosRun.Settings(n, seed, dir, plan, chosen, 6), System.out);
        Thread stopAll = new Thread(run::abort, "streamaug-chaos-stop");
        Runtime.getRuntime().addShutdownHook(stopAll); // Ctrl-C: every broker, worker and trainer stopped by PID
        Map<String, Object> results = run.run();
        System.out.println();
        results.forEach((key, value) -> {
            if (!(value instanceof List<?> list) || !list.isEmpty()) {
                System.out.println(key + ": " + value);
            }
        });
        json.write(results);
        System.out.println(results.get("verdict"));
        return String.valueOf(results.get("verdict")).startsWith(ChaosRun.ALL_DELIVERED) ? 0 : 1;
    }
}
