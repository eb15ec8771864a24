package io.streamaug.trainer.bench;

import io.streamaug.core.cli.JsonOutput;
import io.streamaug.core.process.ChildJvm;
import io.streamaug.core.process.GlibcMalloc;
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
 * {@code streamaug bench trainer}: trainer samples/s of the {@link BenchModel}s at several minibatch
 * sizes and thread counts, beside the same models in PyTorch, measured in interleaved rounds (DL4J,
 * then PyTorch, per model, thread count and round) so that drift of the machine hits both alike. Each
 * side's runtime (CPU, native builds, BLAS and its core type, threads, steering variables) is recorded
 * beside its figures, and a side whose rate does not grow with the minibatch is called out.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Trainer samples/s of the MLP 784-256-128-10 with and without layer norm, the CNN of the accuracy "
            + "experiments and the small-data CNN, beside PyTorch (bench/peers/trainer_peer.py, Debian python3-torch) in "
            + "the same run, with what each side ran on."})
public final class TrainerBenchCommand implements Callable<Integer> {
    /** Below this growth of samples/s from minibatch 32 to 128, a side's BLAS is suspect (reference BLAS: ~1.0×). */
    static final double MIN_GROWTH_32_TO_128 = 1.3;

    @Mixin
    JsonOutput json;

    @Option(names = "--models", split = ",", defaultValue = "mlp,mlp-nonorm,cnn,cnn-nonorm,small-cnn",
            description = "Models: mlp, mlp-nonorm, cnn, cnn-nonorm, small-cnn (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--batch-sizes", split = ",",
            description = "Minibatch sizes for every model (default: mlp 1,32,128; mlp-nonorm 32,128; the CNNs 32,64).")
    List<Integer> batchSizes;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "2", description = "Length of one measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warm-up", defaultValue = "3", paramLabel = "SECONDS",
            description = {"Training before each minibatch size is timed, on both sides (default: ${DEFAULT-VALUE}). DL4J's "
                + "step runs Java loops that the JIT compiles while it trains: with 1 s, minibatch 1 was sometimes timed "
                + "half compiled."})
    double warmUp;

    @Option(names = "--peers", defaultValue = "auto", description = "Run the PyTorch peer: auto (when python3 has torch), yes, no.")
    String peers;

    @Option(names = "--malloc", defaultValue = "tuned",
            description = {"glibc's malloc in both sides' processes: tuned (an mmap threshold of 64 MiB and a trim threshold of "
                + "128 MiB, so that a step's large temporary buffers are reused instead of being returned to the kernel and "
                + "faulted in again on every step) or default (glibc's own thresholds: on this kind of machine PyTorch then spends "
                + "most of a small step in page faults). Default: ${DEFAULT-VALUE}."})
    String malloc;

    @Option(names = "--breakdown", negatable = true, defaultValue = "true",
            description = "Also time the parts of a minibatch-1 step: batch copy, forward, SGD step, Adam step (default: on).")
    boolean breakdown;

    @Override
    public Integer call() throws Exception {
        json.check();
        if (rounds < 1 || seconds <= 0 || warmUp < 0 || (batchSizes != null && batchSizes.stream().anyMatch(b -> b < 1))
                || threads.stream().anyMatch(t -> t < 1)) {
            throw new UsageException("--rounds, --seconds, --batch-sizes and --threads must be positive, --warm-up at least 0");
        }
        if (!List.of("tuned", "default").contains(malloc)) {
            throw new UsageException("--malloc must be tuned or default, got " + malloc);
        }
        if (!List.of("auto", "yes", "no").contains(peers)) {
            throw new UsageException("--peers must be auto, yes or no, got " + peers);
        }
        List<BenchModel> chosen = new ArrayList<>();
        for (String m : models) {
            try {
                chosen.add(BenchModel.of(m));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--models: " + e.getMessage());
            }
        }
        Path script = Path.of(System.getenv().getOrDefault("STREAMAUG_HOME", "."), "bench", "peers", "trainer_peer.py");
        boolean torch = !"no".equals(peers) && torchAvailable(script);
        if ("yes".equals(peers) && !torch) {
            throw new UsageException("the PyTorch peer cannot run: needs " + script + " and /usr/bin/python3 with torch "
                    + "(Debian: apt-get install python3-torch)");
        }
        Map<String, Object> results = new LinkedHashMap<>();
        System.err.println("recording what each side runs on…");
        int firstThreads = threads.get(0);
        Map<String, Object> environments = new LinkedHashMap<>();
        Map<String, String> env = mallocEnvironment(malloc);
        environments.put("dl4j", environment(ChildJvm.main(TrainerBench.class).heap("2g").args("environment").command(),
                firstThreads, env));
        if (torch) {
            environments.put("torch", environment(List.of("/usr/bin/python3", script.toString(), "environment",
                    String.valueOf(firstThreads)), firstThreads, env));
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (BenchModel model : chosen) {
                String sizes = String.join(",", sizes(model).stream().map(String::valueOf).toList());
                for (int t : threads) {
                    System.err.printf("round %d/%d, %s, %d thread(s): DL4J…%n", round + 1, rounds, model, t);
                    collect(samples, "dl4j", model, t, child(javaCommand(model.key(), sizes, "1"), t, env));
                    if (torch) {
                        System.err.printf("round %d/%d, %s, %d thread(s): PyTorch…%n", round + 1, rounds, model, t);
                        collect(samples, "torch", model, t, child(List.of("/usr/bin/python3", script.toString(), model.key(),
                                String.valueOf(t), sizes, "1", String.valueOf(seconds), String.valueOf(warmUp)), t, env));
                    }
                }
            }
        }
        if (breakdown && chosen.contains(BenchModel.MLP)) {
            System.err.println("timing the parts of a minibatch-1 step…");
            results.put("dl4j_bs1_breakdown_us", child(javaCommand("breakdown", "-", String.valueOf(rounds)), 1, env));
        }
        results.put("rounds", rounds);
        results.put("warm_up_seconds", warmUp);
        results.put("malloc", malloc);
        results.put("seconds_per_measurement", seconds);
        samples.forEach((key, values) -> results.put(key, median(values)));
        for (BenchModel model : chosen) {
            for (int t : threads) {
                for (int bs : sizes(model)) {
                    String suffix = suffix(model, t, bs);
                    if (results.containsKey("torch" + suffix)) {
                        results.put("ratio" + suffix.replace("_sps", ""),
                                (double) results.get("dl4j" + suffix) / (double) results.get("torch" + suffix));
                    }
                }
            }
        }
        List<String> warnings = warnings(results, chosen);
        if (environments.get("dl4j") instanceof Map<?, ?> dl4j && dl4j.get("nd4j") instanceof Map<?, ?> nd4j
                && Boolean.FALSE.equals(nd4j.get("optimal_requirements_met"))) {
            warnings.add("ND4J's native build " + nd4j.get("native_build") + " does not use every vector instruction set "
                    + "this CPU has (ND4J's own optimal-requirements check)"
                    + (Boolean.TRUE.equals(nd4j.get("onednn_convolutions")) ? "; its oneDNN convolutions choose their kernels for this CPU at run time" : ""));
        }
        results.put("warnings", warnings);
        results.put("environment", environments);
        print(results, chosen, environments);
        warnings.forEach(w -> System.out.println("WARNING: " + w));
        json.write(results);
        return 0;
    }

    /** The variables that tune glibc's malloc for both sides ({@code tuned}, see {@link GlibcMalloc}), or none. */
    static Map<String, String> mallocEnvironment(String mode) {
        return "tuned".equals(mode) ? GlibcMalloc.tuned(System.getenv()) : Map.of();
    }

    private List<Integer> sizes(BenchModel model) {
        return batchSizes != null ? batchSizes : model.defaultBatchSizes();
    }

    /** {@code _cnn_t2_bs32_sps}: the key of a side's rate, after its {@code dl4j}/{@code torch} prefix. */
    static String suffix(BenchModel model, int threads, int batchSize) {
        return "_" + model.jsonPrefix() + (threads == 1 ? "" : "t" + threads + "_") + "bs" + batchSize + "_sps";
    }

    /** A side whose rate does not grow from minibatch 32 to 128 has a crippled BLAS (or none that scales). */
    List<String> warnings(Map<String, Object> results, List<BenchModel> chosen) {
        List<String> out = new ArrayList<>();
        for (BenchModel model : chosen) {
            for (int t : threads) {
                for (String side : List.of("dl4j", "torch")) {
                    Object at32 = results.get(side + suffix(model, t, 32));
                    Object at128 = results.get(side + suffix(model, t, 128));
                    if (at32 instanceof Double a && at128 instanceof Double b && b < MIN_GROWTH_32_TO_128 * a) {
                        out.add(String.format(Locale.ROOT, "%s %s with %d thread(s) grows only %.2f× from minibatch 32 to "
                                + "128 (%.0f → %.0f samples/s): a sign of an unoptimised BLAS; check its core type in "
                                + "\"environment\"", side.equals("dl4j") ? "DL4J" : "PyTorch", model, t, b / a, a, b));
                    }
                }
            }
        }
        return out;
    }

    private List<String> javaCommand(String first, String second, String roundsArg) {
        return ChildJvm.main(TrainerBench.class).heap("2g").args(first, second, roundsArg, String.valueOf(seconds), String.valueOf(warmUp)).command();
    }

    /**
     * A side's runtime report, printed by its probe as one JSON line, plus the core type OpenBLAS chose
     * (from its own {@code OPENBLAS_VERBOSE=2} line on standard error; absent when the side has no OpenBLAS).
     */
    static Map<String, Object> environment(List<String> command, int threads, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        builder.environment().put("OPENBLAS_VERBOSE", "2");
        Path err = Files.createTempFile("streamaug-bench-env", ".log");
        try {
            Process process = builder.redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("the runtime probe " + command + " failed: " + out
                        + Files.readString(err).lines().reduce("", (a, b) -> b));
            }
            String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no report from " + command + ": " + out));
            @SuppressWarnings("unchecked")
            Map<String, Object> report = new ObjectMapper().readValue(last, LinkedHashMap.class);
            List<String> cores = Files.readAllLines(err).stream().filter(l -> l.startsWith("Core: "))
                    .map(l -> l.substring(6).trim()).distinct().toList();
            report.put("openblas_core", cores.isEmpty() ? "none reported (no OpenBLAS, or not verbose)" : String.join(", ", cores));
            if (report.get("environment") instanceof Map<?, ?> reported) {
                reported.remove("OPENBLAS_VERBOSE"); // set for this probe only, not for the measurements
            }
            return report;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static Map<String, Double> child(List<String> command, int threads, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
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

    private static void collect(Map<String, List<Double>> samples, String who, BenchModel model, int threads,
            Map<String, Double> rates) {
        rates.forEach((bs, rate) -> samples.computeIfAbsent(
                who + suffix(model, threads, Integer.parseInt(bs.substring(2))), k -> new ArrayList<>()).add(rate));
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

    private void print(Map<String, Object> r, List<BenchModel> chosen, Map<String, Object> environments) {
        System.out.printf(Locale.ROOT, "%ntrainer samples/s, default recipe (median of %d rounds)%n", rounds);
        System.out.printf(Locale.ROOT, "  %-11s %-8s %-10s %10s %10s %8s%n", "model", "threads", "minibatch", "DL4J", "PyTorch", "ratio");
        for (BenchModel model : chosen) {
            for (int t : threads) {
                for (int bs : sizes(model)) {
                    String suffix = suffix(model, t, bs);
                    Object torch = r.get("torch" + suffix);
                    Object ratio = r.get("ratio" + suffix.replace("_sps", ""));
                    System.out.printf(Locale.ROOT, "  %-11s %-8d %-10d %10.0f %10s %8s%n", model, t, bs, (double) r.get("dl4j" + suffix),
                            torch == null ? "-" : String.format(Locale.ROOT, "%.0f", (double) torch),
                            ratio == null ? "-" : String.format(Locale.ROOT, "%.2f×", (double) ratio));
                }
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Double> parts = (Map<String, Double>) r.get("dl4j_bs1_breakdown_us");
        if (parts != null) {
            System.out.printf(Locale.ROOT, "%nDL4J minibatch-1 step, µs (one thread):%n");
            parts.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-14s %8.0f%n", k.replace("_us", ""), v));
        }
        System.out.printf(Locale.ROOT, "%nwhat each side ran on:%n");
        environments.forEach((side, report) -> System.out.printf(Locale.ROOT, "  %-6s %s%n", side, summary(report)));
    }

    /** One line of a side's report: CPU, BLAS and core type, threads, native build. */
    @SuppressWarnings("unchecked")
    static String summary(Object report) {
        Map<String, Object> r = (Map<String, Object>) report;
        Map<String, Object> cpu = (Map<String, Object>) r.getOrDefault("cpu", Map.of());
        List<String> parts = new ArrayList<>();
        parts.add(String.valueOf(cpu.getOrDefault("model", "?")) + " " + cpu.getOrDefault("kernel_flags", List.of()));
        if (r.get("nd4j") instanceof Map<?, ?> nd4j) {
            parts.add("BLAS " + nd4j.get("blas_vendor") + " " + nd4j.get("blas_version") + ", " + nd4j.get("max_threads") + " thread(s)");
            parts.add("native build " + nd4j.get("native_build") + ", oneDNN convolutions " + yesNo(nd4j.get("onednn_convolutions")));
            parts.add(String.join(" ", (List<String>) r.getOrDefault("libraries", List.of())));
        }
        if (r.get("torch") instanceof Map<?, ?> torch) {
            parts.add("torch " + torch.get("version") + ", BLAS " + torch.get("blas") + " (" + torch.get("blas_library") + "), "
                    + torch.get("threads") + " thread(s), CPU capability " + torch.get("cpu_capability") + ", oneDNN "
                    + yesNo(torch.get("mkldnn")) + (torch.get("mkldnn_version") != null ? " " + torch.get("mkldnn_version") : ""));
        }
        parts.add("OpenBLAS core " + r.get("openblas_core"));
        parts.add("env " + r.get("environment"));
        return String.join("; ", parts);
    }

    private static String yesNo(Object flag) {
        return Boolean.TRUE.equals(flag) ? "yes" : flag == null ? "?" : "no";
    }
}
