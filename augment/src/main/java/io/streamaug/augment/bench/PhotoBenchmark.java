package io.streamaug.augment.bench;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.TurboJpeg;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.process.HostInfo;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Single-thread images/s of the ImageNet training pipelines on JPEG photographs ({@link PhotoSet},
 * both sizes), from the encoded bytes to the encoded prepared record, beside OpenCV's
 * {@code imdecode} alone on the same bytes (the decode floor the targets are judged on) and, where
 * libjpeg-turbo's TurboJPEG is installed, its decode alone (the floor of the decoder the pipelines
 * use then) and its decode at 1/8 (the entropy decoding alone, near enough). Each pipeline is a spec run by {@link ImagePipeline#prepare} and
 * {@link PreparedCodec#encode}, as the worker runs it. The figures of one size are measured in
 * interleaved rounds.
 */
public final class PhotoBenchmark {
    /** torchvision's RandomResizedCrop(224) and RandomHorizontalFlip(), the start of every pipeline. */
    static final String CROP_FLIP = "{op: RandomResizedCrop, size: 224, scale_range: [0.08, 1.0],"
            + " ratio_range: [0.75, 1.3333333333333333], interpolation: bilinear}, {op: HorizontalFlip, p: 0.5}";

    /**
     * The pipelines by their key's stem: ops after the crop and flip, and whether the decode may be
     * reduced. ColorJitter is applied to every image (p 1), as torchvision's {@code ColorJitter} is
     * without a {@code RandomApply}; RandAugment and TrivialAugmentWide at torchvision's defaults
     * (31 bins, nearest, fill 0). Every pipeline decodes in full, as the peers do; the jitter pipeline
     * is measured once more with reduced decoding, the product's default.
     */
    static final Map<String, String> PIPELINES = pipelines();

    private final int rounds;
    private final long roundMillis;
    /** Record bytes made: the timed work has a result the JIT cannot drop. */
    private long sink;

    PhotoBenchmark(int rounds, long roundMillis) {
        OpenCv.load();
        this.rounds = rounds;
        this.roundMillis = roundMillis;
    }

    private static Map<String, String> pipelines() {
        String jitter = "{op: ColorJitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1, p: 1}";
        Map<String, String> specs = new LinkedHashMap<>();
        specs.put("jpeg_pipeline", spec(jitter, false));
        specs.put("jpeg_pipeline_reduced", spec(jitter, true));
        specs.put("jpeg_randaugment", spec("{op: RandAugment, num_ops: 2, magnitude: 9}", false));
        specs.put("jpeg_trivialaugment", spec("{op: TrivialAugmentWide}", false));
        return specs;
    }

    /** A training spec: crop, flip, then {@code op}; uint8 records (ImageNet's constants carried, pixels kept). */
    private static String spec(String op, boolean reduced) {
        return "{seed: 1, channels: 3, decode: {reduced: " + reduced + "}, ops: [" + CROP_FLIP + ", " + op + "],"
                + " normalize: imagenet, output: {dtype: uint8}}";
    }

    /** The spec of one of {@link #PIPELINES}, parsed as the worker parses a spec file. */
    static PipelineSpec parse(String name) {
        return new SpecLoader(List.of()).parse(PIPELINES.get(name), "bench-" + name);
    }

    /** All results for the photo set in {@code dir}, keyed as in {@code --json}. */
    Map<String, Object> run(Path dir, Consumer<String> progress) {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("photos", dir.toString());
        Map<String, List<byte[]>> sets = new LinkedHashMap<>();
        for (String size : PhotoSet.SIZES) { // every file checked before anything is timed
            List<Path> files = PhotoSet.jpegs(dir, size);
            if (files.isEmpty()) {
                throw new UsageException("no JPEGs in " + dir.resolve(size) + ": the photo set needs " + dir
                        + "/500/<class>/*.jpg and " + dir + "/1024/<class>/*.jpg (bench/photos/make_photo_set.py makes it)");
            }
            List<byte[]> jpegs = PhotoSet.read(dir, size);
            progress.accept(size + " set (" + jpegs.size() + " JPEGs): one pass to check every file");
            results.put("images_" + size, jpegs.size());
            results.put("jpeg_pipeline_reduced_decode_factors_" + size, check(files, jpegs));
            sets.put(size, jpegs);
        }
        sets.forEach((size, jpegs) -> {
            progress.accept(size + " set: decode floor and " + PIPELINES.size() + " pipelines, interleaved rounds");
            results.putAll(measure(size, jpegs));
        });
        return results;
    }

    private Map<String, Double> measure(String size, List<byte[]> jpegs) {
        List<ImagePipeline> pipelines = new ArrayList<>();
        List<MatOfByte> wrapped = new ArrayList<>();
        TurboJpeg turbo = TurboJpeg.loaded() ? new TurboJpeg() : null;
        try {
            Map<String, Runnable> bodies = new LinkedHashMap<>();
            jpegs.forEach(bytes -> wrapped.add(new MatOfByte(bytes)));
            bodies.put("jpeg_decode_img_per_s_" + size, decodeOnly(wrapped));
            if (turbo != null) {
                bodies.put("jpeg_decode_turbojpeg_img_per_s_" + size, turboDecodeOnly(turbo, jpegs, 1));
                bodies.put("jpeg_decode_turbojpeg_eighth_img_per_s_" + size, turboDecodeOnly(turbo, jpegs, 8));
            }
            for (String name : PIPELINES.keySet()) {
                PipelineSpec spec = parse(name);
                ImagePipeline pipeline = new ImagePipeline(spec, spec.normalization(), 0);
                pipelines.add(pipeline);
                bodies.put(name + "_img_per_s_" + size, prepare(pipeline, jpegs));
            }
            return Rate.interleaved(bodies, rounds, roundMillis);
        } finally {
            pipelines.forEach(ImagePipeline::close);
            wrapped.forEach(Mat::release);
            if (turbo != null) {
                turbo.close();
            }
        }
    }

    /**
     * Runs the reduced-decode pipeline once on every image, so that a file the decoder refuses is one
     * clear line naming it before any timing (and one TurboJPEG leaves to OpenCV, which would mix
     * two decoders in its floor); returns how many images it decoded at each reduction.
     */
    private static Map<String, Integer> check(List<Path> files, List<byte[]> jpegs) {
        Map<String, Integer> factors = new TreeMap<>();
        PipelineSpec spec = parse("jpeg_pipeline_reduced");
        try (ImagePipeline pipeline = new ImagePipeline(spec, spec.normalization(), 0);
                TurboJpeg turbo = TurboJpeg.loaded() ? new TurboJpeg() : null) {
            for (int i = 0; i < jpegs.size(); i++) {
                try {
                    pipeline.prepare(Integer.toString(i), "photos", Split.TRAIN, 0, 0, jpegs.get(i), Label.of(0));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(files.get(i) + ": " + e.getMessage() + " (remove it from the photo set)");
                }
                factors.merge("1/" + pipeline.lastDecodeFactor(), 1, Integer::sum);
                Mat pixels = turbo == null ? null : turbo.decode(jpegs.get(i), 1, TurboJpeg.PixelFormat.BGR);
                if (turbo != null && pixels == null) {
                    throw new UsageException(files.get(i) + ": TurboJPEG leaves it to OpenCV (" + turbo.declined()
                            + "; remove it from the photo set)");
                }
                if (pixels != null) {
                    pixels.release();
                }
            }
        }
        return factors;
    }

    /** OpenCV's decoder alone: the bytes are already in native memory, the pixels are released at once. */
    private static Runnable decodeOnly(List<MatOfByte> wrapped) {
        int[] next = {0};
        return () -> {
            Mat pixels = Imgcodecs.imdecode(wrapped.get(next[0]++ % wrapped.size()), Imgcodecs.IMREAD_COLOR);
            pixels.release();
        };
    }

    /**
     * TurboJPEG's decoder alone at 1/{@code factor}, as the image decoder calls it (the bytes copied
     * into its native buffer, the header read, BGR like {@code imdecode}'s), the pixels released at
     * once. At 1/8 the inverse DCT keeps each block's DC coefficient alone, so what is left is
     * mostly the entropy (Huffman) decoding of every block: the near-floor of any reduced decode.
     */
    private static Runnable turboDecodeOnly(TurboJpeg turbo, List<byte[]> jpegs, int factor) {
        int[] next = {0};
        return () -> {
            byte[] jpeg = jpegs.get(next[0]++ % jpegs.size());
            Mat pixels = turbo.decode(jpeg, factor, TurboJpeg.PixelFormat.BGR);
            if (pixels == null) {
                throw new IllegalStateException("TurboJPEG declined a JPEG the check pass accepted: " + turbo.declined());
            }
            pixels.release();
        };
    }

    /** One sample through the pipeline to its record bytes, cycling through the set: one pass is one epoch. */
    private Runnable prepare(ImagePipeline pipeline, List<byte[]> jpegs) {
        int[] next = {0};
        Label label = Label.of(0);
        int n = jpegs.size();
        return () -> {
            int i = next[0]++;
            byte[] record = PreparedCodec.encode(pipeline.prepare(Integer.toString(i % n), "photos", Split.TRAIN, i / n, 0,
                    jpegs.get(i % n), label));
            sink += record.length;
        };
    }

    /**
     * What the figures ran on: OpenCV (and the libjpeg it decodes with), the JPEG decoder the
     * pipelines used (TurboJPEG's file, or why OpenCV's), the CPU and its SIMD flags, the threads
     * OpenCV may use and the variables that steer native threads ({@link HostInfo}), the JVM.
     */
    public static Map<String, Object> environment() {
        OpenCv.load();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("opencv", Core.VERSION);
        Core.getBuildInformation().lines().map(String::strip).filter(l -> l.startsWith("JPEG:")).findFirst()
                .ifPresent(l -> env.put("opencv_jpeg", l.substring(5).strip()));
        env.put("pipeline_jpeg_decoder", TurboJpeg.selected() ? "turbojpeg" : "opencv");
        env.put("turbojpeg", TurboJpeg.loaded() ? TurboJpeg.LIBRARY + " → " + TurboJpeg.file()
                : "not loaded: " + TurboJpeg.problem() + " (Debian: apt-get install " + TurboJpeg.PACKAGE + ")");
        Map<String, Object> cpu = HostInfo.cpu();
        env.put("cpu", cpu.getOrDefault("model", System.getProperty("os.arch")));
        env.put("cpu_flags", cpu.getOrDefault("kernel_flags", List.of()));
        env.put("logical_cpus", cpu.get("logical_cpus"));
        env.put("opencv_threads", Core.getNumThreads());
        env.put("steering", HostInfo.steering(System.getenv()));
        env.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        return env;
    }
}
