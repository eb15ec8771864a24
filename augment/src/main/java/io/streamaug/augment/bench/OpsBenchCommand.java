package io.streamaug.augment.bench;

import io.streamaug.core.cli.JsonOutput;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.process.GlibcMalloc;
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
 * {@code streamaug bench ops}: images/s per op and for the reference pipelines, beside raw OpenCV and
 * Python peers; with {@code --photos}, instead, the ImageNet training pipelines on JPEG photographs
 * from their bytes ({@link PhotoBenchmark}), beside OpenCV's decoder alone and Python peers.
 */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {"Single-thread images/s of every op and of the reference pipeline (crop+pad 4, flip, "
                + "rotate ±15°, noise, normalise) on 28×28 gray and 224×224 RGB, beside a raw OpenCV loop doing the "
                + "same work, and beside Python OpenCV and torchvision (bench/peers/ops_peers.py) when available.",
            "With --photos, instead: JPEG photographs (~500×375 and 1024×768) from their bytes to uint8 records: "
                + "OpenCV's imdecode alone (the floor), TurboJPEG's decode alone (where libturbojpeg0 is installed: "
                + "the decoder the pipelines then use), the ImageNet training pipeline (RandomResizedCrop 224, flip, "
                + "ColorJitter) with full and with reduced decoding, RandAugment (2, 9) and TrivialAugmentWide "
                + "pipelines, beside the same in OpenCV-Python and torchvision (bench/peers/photo_peers.py); "
                + "then each target's ratio (pipeline ÷ OpenCV's decode floor, reduced ÷ full decode, ours ÷ the "
                + "faster peer) and whether it is met, and pipeline ÷ TurboJPEG's decode."})
public final class OpsBenchCommand implements Callable<Integer> {
    @Mixin
    JsonOutput json;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per figure; the median is reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--round-ms", defaultValue = "1000", description = "Length of a round in ms (default: ${DEFAULT-VALUE}).")
    long roundMillis;

    @Option(names = "--peers", defaultValue = "auto", description = "Run the Python peers: auto (when python3 has cv2 and torchvision), yes, no.")
    String peers;

    @Option(names = "--peers-script", paramLabel = "FILE",
            description = "The peers script (default: bench/peers/ops_peers.py, with --photos bench/peers/photo_peers.py, "
                    + "under $STREAMAUG_HOME or the working directory).")
    Path peersScript;

    @Option(names = "--photos", arity = "0..1", paramLabel = "DIR", fallbackValue = ".streamaug/photos",
            description = "Measure the JPEG photo pipelines instead, on the photo set in DIR (default: .streamaug/photos, "
                    + "made by bench/photos/make_photo_set.py when absent).")
    Path photos;

    @Override
    public Integer call() throws Exception {
        json.check();
        if (rounds < 1 || roundMillis < 50) {
            throw new UsageException("--rounds must be ≥ 1 and --round-ms ≥ 50");
        }
        if (!java.util.Set.of("auto", "yes", "no").contains(peers)) {
            throw new UsageException("--peers must be auto, yes or no, got '" + peers + "'");
        }
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("rounds", rounds);
        results.put("round_ms", roundMillis);
        Path dir = photos == null ? null : PhotoSet.ensure(photos, System.err::println);
        if (dir == null) {
            results.putAll(new OpsBenchmark(rounds, roundMillis).run(step -> System.err.println("measuring " + step + "…")));
        } else {
            results.put("environment", PhotoBenchmark.environment());
            results.putAll(new PhotoBenchmark(rounds, roundMillis).run(dir, step -> System.err.println("measuring " + step + "…")));
        }
        if (!peers.equals("no")) {
            Map<String, Object> peerResults = runPeers(dir);
            if (peerResults != null) {
                results.putAll(peerResults);
            } else if (peers.equals("yes")) {
                throw new UsageException("the Python peers could not run (Debian: apt-get install python3-opencv python3-torchvision)");
            }
        }
        if (dir == null) {
            print(results);
        } else {
            PhotoReport.addTargets(results);
            PhotoReport.print(results);
        }
        json.write(results);
        return 0;
    }

    /** The peers' results, or {@code null} when they cannot run; with a photo set, its peers on its files. */
    private Map<String, Object> runPeers(Path photoSet) throws IOException, InterruptedException {
        Path script = peersScript;
        if (script == null) {
            String home = System.getenv().getOrDefault("STREAMAUG_HOME", ".");
            script = Path.of(home, "bench", "peers", photoSet == null ? "ops_peers.py" : "photo_peers.py");
        }
        if (!Files.isRegularFile(script)) {
            System.err.println("peers skipped: no " + script);
            return null;
        }
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import cv2, PIL, torchvision").redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        if (!check.waitFor(60, TimeUnit.SECONDS) || check.exitValue() != 0) {
            System.err.println("peers skipped: /usr/bin/python3 lacks cv2, PIL or torchvision (Debian: python3-opencv python3-torchvision)");
            return null;
        }
        System.err.println("measuring the Python peers…");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        if (photoSet != null) {
            command.add(photoSet.toString());
        }
        command.addAll(List.of(Integer.toString(rounds), Double.toString(roundMillis / 1000.0)));
        // Each side on its best configuration: glibc's default thresholds cost the peers page faults on every image.
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> malloc = GlibcMalloc.tuned(System.getenv());
        builder.environment().putAll(malloc);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            System.err.println("peers failed; their output: " + out);
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = new ObjectMapper().readValue(out.lines().reduce((a, b) -> b).orElse("{}"), Map.class);
        parsed.put("peers_malloc_environment", malloc);
        return parsed;
    }

    private static void print(Map<String, Object> r) {
        for (String size : new String[] {"28", "224"}) {
            double ours = number(r, "pipeline_" + size + "_img_per_s");
            double raw = number(r, "raw_opencv_" + size + "_img_per_s");
            System.out.printf(Locale.ROOT, "%n%s×%s reference pipeline, one thread (images/s, median of %s rounds)%n", size, size, r.get("rounds"));
            System.out.printf(Locale.ROOT, "  %-34s %10.0f%n", "streamaug pipeline (float32 out)", ours);
            System.out.printf(Locale.ROOT, "  %-34s %10.0f  (%.2f× float32)%n", "streamaug pipeline (uint8 out)",
                    number(r, "pipeline_" + size + "_uint8_img_per_s"), number(r, "pipeline_" + size + "_uint8_img_per_s") / ours);
            System.out.printf(Locale.ROOT, "  %-34s %10.0f  (streamaug = %.2f× raw)%n", "raw OpenCV loop (Java)", raw, ours / raw);
            for (String peer : new String[] {"python_opencv", "torchvision"}) {
                if (r.containsKey(peer + "_" + size + "_img_per_s")) {
                    double value = number(r, peer + "_" + size + "_img_per_s");
                    System.out.printf(Locale.ROOT, "  %-34s %10.0f  (streamaug = %.2f× this)%n", peer.replace('_', ' '), value, ours / value);
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Double> ops = (Map<String, Double>) r.get("ops_" + size + "_img_per_s");
            System.out.printf(Locale.ROOT, "  per op:%n");
            ops.forEach((op, rate) -> System.out.printf(Locale.ROOT, "    %-22s %12.0f%n", op, rate));
        }
    }

    private static double number(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).doubleValue();
    }
}
