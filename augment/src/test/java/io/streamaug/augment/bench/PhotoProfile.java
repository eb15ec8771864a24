package io.streamaug.augment.bench;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.TurboJpeg;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where one pipeline of the photo benchmark spends its time: the pipeline alone, on this thread, in
 * a loop over one size of the photo set (JPEG bytes to record bytes, as {@link PhotoBenchmark} runs
 * it), under a JFR recording of this JVM; then the thread's samples by OpenCV (or TurboJPEG) call and
 * by the project's method that made it (docs/benchmarks.md, "JPEG photographs"). JFR samples a thread
 * running Java code or inside a native (JNI) call, not one inside the JVM itself (allocating a large
 * array, a collection), so that time goes unseen.
 *
 * <p>Args: photo set directory, pipeline ({@code jpeg_pipeline}, {@code jpeg_pipeline_reduced},
 * {@code jpeg_randaugment} or {@code jpeg_trivialaugment}), size ({@code 500} or {@code 1024}),
 * seconds (the first fifth is warm-up, not recorded).
 */
public final class PhotoProfile {
    private static final String PROJECT = "io.streamaug.";
    private static final String TURBOJPEG = TurboJpeg.class.getName();

    private PhotoProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !PhotoBenchmark.PIPELINES.containsKey(args[1]) || !PhotoSet.SIZES.contains(args[2])) {
            System.err.println("usage: PhotoProfile DIR " + String.join("|", PhotoBenchmark.PIPELINES.keySet()) + " "
                    + String.join("|", PhotoSet.SIZES) + " SECONDS");
            System.exit(2);
        }
        List<byte[]> jpegs = PhotoSet.read(Path.of(args[0]), args[2]);
        if (jpegs.isEmpty()) {
            System.err.println("no JPEGs in " + Path.of(args[0], args[2]) + " (bench/photos/make_photo_set.py makes the set)");
            System.exit(2);
        }
        System.out.print(profile(args[1], args[2], jpegs, Long.parseLong(args[3]) * 1000));
    }

    /** The report: images/s under JFR, then the samples' shares, largest first. */
    static String profile(String name, String size, List<byte[]> jpegs, long millis) throws Exception {
        PipelineSpec spec = PhotoBenchmark.parse(name);
        Path jfr = Files.createTempFile("photo-profile", ".jfr");
        try (ImagePipeline pipeline = new ImagePipeline(spec, spec.normalization(), 0);
                Recording recording = new Recording()) {
            loop(pipeline, jpegs, millis / 5);
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            long start = System.nanoTime();
            long images = loop(pipeline, jpegs, millis - millis / 5);
            double seconds = (System.nanoTime() - start) / 1e9;
            recording.stop();
            recording.dump(jfr);
            return String.format(Locale.ROOT, "%s, %s set: %d images in %.1f s, %.0f images/s (one thread, under JFR)%n",
                    name, size, images, seconds, images / seconds) + report(samples(jfr, Thread.currentThread().getName()));
        } finally {
            Files.deleteIfExists(jfr);
        }
    }

    /** Runs the pipeline over the images, round and round, for about {@code millis}; returns how many it made. */
    private static long loop(ImagePipeline pipeline, List<byte[]> jpegs, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long bytes = 0;
        int i = 0;
        Label label = Label.of(0);
        while (System.nanoTime() < deadline) {
            int n = jpegs.size();
            bytes += PreparedCodec.encode(pipeline.prepare(Integer.toString(i % n), "photos", Split.TRAIN, i / n, 0,
                    jpegs.get(i % n), label)).length;
            i++;
        }
        if (bytes == 0) {
            throw new IllegalStateException("no record made");
        }
        return i;
    }

    /**
     * The samples of one thread, counted by where they were: the native library's call (OpenCV's,
     * or TurboJPEG's through its binding) and the project's method that made it, or the Java
     * method running and the project's method below it.
     */
    private static Map<String, Integer> samples(Path jfr, String thread) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (event.getThread("sampledThread") == null || !thread.equals(event.getThread("sampledThread").getJavaName())
                    || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            String opencv = null;
            String where = null;
            for (RecordedFrame frame : frames) {
                String type = frame.getMethod().getType().getName();
                if (type.startsWith("org.opencv.") || type.equals(TURBOJPEG)) {
                    opencv = name(frame); // the outermost: the library's public method, not its JNI stub
                } else if (type.startsWith(PROJECT)) {
                    where = name(frame);
                    break;
                }
            }
            String top = frames.isEmpty() ? "?" : name(frames.get(0));
            String key = opencv != null ? opencv + " ← " + where
                    : top.equals(where) ? "Java: " + where : "Java: " + top + " ← " + where;
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    private static String name(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static String report(Map<String, Integer> counts) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%d samples of the pipeline's thread (JNI calls and Java code):%n", total));
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .filter(e -> e.getValue() * 1000 >= total) // 0.1 % and more
                .forEach(e -> out.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / total, e.getKey())));
        return out.toString();
    }
}
