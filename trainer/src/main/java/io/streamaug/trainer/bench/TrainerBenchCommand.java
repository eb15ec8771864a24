package io.streamaug.trainer.bench;

import io.streamaug.core.cli.JsonOutput;
import io.streamaug.core.process.ChildJvm;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug bench trainer}: trainer samples/s of the MLP 784-256-128-10 with layer norm at
 * several minibatch sizes and thread counts, beside the same model in PyTorch, measured in
 * interleaved rounds (DL4J, then PyTorch, per thread count and round) so that drift of the machine
 * hits both alike.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Trainer samples/s (MLP 784-256-128-10, layer norm, default recipe) at minibatch 1, 32 and 128, "
                + "with 1 and 2 threads, beside PyTorch (bench/peers/trainer_peer.py, Debian python3-torch) in the same run."})
public final class TrainerBenchCommand implements Callable<Integer> {
    @Mixin
    JsonOutput json;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,32,128", description = "Minibatch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "2", description = "Length of one measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--peers", defaultValue = "auto", description = "Run the PyTorch peer: auto (when python3 has torch), yes, no.")
    String peers;

    @Option(names = "--breakdown", negatable = true, defaultValue = "true",
            description = "Also time the parts of a minibatch-1 step: batch copy, forward, SGD step, Adam step (default: on).")
    boolean breakdown;

    @Override
    public Integer call() throws Exception {
        json.check();
        if (rounds < 1 || seconds <= 0 || batchSizes.stream().anyMatch(b -> b < 1) || threads.stream().anyMatch(t -> t < 1)) {
            throw new UsageException("--rounds, --seconds, --batch-sizes and --threads must be positive");
        }
        if (!List.of("auto", "yes", "no").contains(peers)) {
            throw new UsageException("--peers must be auto, yes or no, got " + peers);
        }
        Path script = Path.of(System.getenv().getOrDefault("STREAMAUG_HOME", "."), "bench", "peers", "trainer_peer.py");
        boolean torch = !"no".equals(peers) && torchAvailable(script);
        if ("yes".equals(peers) && !torch) {
            throw new UsageException("the PyTorch peer cannot run: needs " + script + " and /usr/bin/python3 with torch "
                    + "(Debian: apt-get install python3-torch)");
        }
        String sizes = String.join(",", batchSizes.stream().map(String::valueOf).toList());
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int t : threads) {
                System.err.printf("round %d/%d, %d thread(s): DL4J…%n", round + 1, rounds, t);
                collect(samples, "dl4j", t, child(javaCommand(sizes), t));
                if (torch) {
                    System.err.printf("round %d/%d, %d thread(s): PyTorch…%n", round + 1, rounds, t);
                    collect(samples, "torch", t, child(List.of("/usr/bin/python3", script.toString(), String.valueOf(t), sizes,
                            "1", String.valueOf(seconds)), t));
                }
            }
        }
        Map<String, Object> results = new LinkedHashMap<>();
        if (breakdown) {
            System.err.println("timing the parts of a minibatch-1 step…");
            List<String> command = new ArrayList<>(javaCommand(sizes));
            command.set(command.size() - 3, "breakdown");
            command.set(command.size() - 2, String.valueOf(rounds));
            results.put("dl4j_bs1_breakdown_us", child(command, 1));
        }
        results.put("rounds", rounds);
        results.put("seconds_per_measurement", seconds);
        samples.forEach((key, values) -> results.put(key, median(values)));
        for (int t : threads) {
            for (int bs : batchSizes) {
                String suffix = (t == 1 ? "" : "_t" + t) + "_bs" + bs + "_sps";
                if (results.containsKey("torch" + suffix)) {
                    results.put("ratio" + suffix.replace("_sps", ""),
                            (double) results.get("dl4j" + suffix) / (double) results.get("torch" + suffix));
                }
            }
        }
        print(results);
        json.write(results);
        return 0;
    }

    private List<String> javaCommand(String sizes) {
        return ChildJvm.main(TrainerBench.class).heap("2g").args(sizes, "1", String.valueOf(seconds)).command();
    }

    private static Map<String, Double> child(List<String> command, int threads) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(command.get(command.size() > 4 ? 4 : 0) + " failed: " + out);
        }
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no result from " + command + ": " + out));
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = new ObjectMapper().readValue(last, Map.class);
        Map<String, Double> rates = new LinkedHashMap<>();
        parsed.forEach((k, v) -> rates.put(k, ((Number) v).doubleValue()));
        return rates;
    }

    private static void collect(Map<String, List<Double>> samples, String who, int threads, Map<String, Double> rates) {
        rates.forEach((bs, rate) -> samples.computeIfAbsent(who + (threads == 1 ? "" : "_t" + threads) + "_" + bs + "_sps",
                k -> new ArrayList<>()).add(rate));
    }

    private static boolean torchAvailable(Path script) throws IOException, InterruptedException {
        if (!Files.isRegularFile(script) || !Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void print(Map<String, Object> r) {
        System.out.printf(Locale.ROOT, "%ntrainer samples/s, MLP 784-256-128-10 + layer norm (median of %d rounds)%n", rounds);
        System.out.printf(Locale.ROOT, "  %-8s %-10s %10s %10s %8s%n", "threads", "minibatch", "DL4J", "PyTorch", "ratio");
        for (int t : threads) {
            for (int bs : batchSizes) {
                String suffix = (t == 1 ? "" : "_t" + t) + "_bs" + bs + "_sps";
                Object torch = r.get("torch" + suffix);
                Object ratio = r.get("ratio" + suffix.replace("_sps", ""));
                System.out.printf(Locale.ROOT, "  %-8d %-10d %10.0f %10s %8s%n", t, bs, (double) r.get("dl4j" + suffix),
                        torch == null ? "-" : String.format(Locale.ROOT, "%.0f", (double) torch),
                        ratio == null ? "-" : String.format(Locale.ROOT, "%.2f×", (double) ratio));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Double> parts = (Map<String, Double>) r.get("dl4j_bs1_breakdown_us");
        if (parts != null) {
            System.out.printf(Locale.ROOT, "%nDL4J minibatch-1 step, µs (one thread):%n");
            parts.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-14s %8.0f%n", k.replace("_us", ""), v));
        }
    }
}
