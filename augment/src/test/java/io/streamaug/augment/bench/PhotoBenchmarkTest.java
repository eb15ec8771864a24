package io.streamaug.augment.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.TurboJpeg;
import io.streamaug.augment.image.ops.ColorJitter;
import io.streamaug.augment.image.ops.HorizontalFlip;
import io.streamaug.augment.image.ops.RandAugment;
import io.streamaug.augment.image.ops.RandomResizedCrop;
import io.streamaug.augment.image.ops.TrivialAugmentWide;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.Split;
import io.streamaug.core.cli.Commands;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import picocli.CommandLine;

/**
 * {@code bench ops --photos} on a tiny photo set made here (textured JPEGs at both sizes, landscape and
 * portrait), with the shortest rounds: every figure is there and positive; nothing is asserted about speed.
 * {@link PhotoProfile} on the same set reports its samples.
 */
class PhotoBenchmarkTest {
    static final List<String> FIGURES = List.of("jpeg_decode", "jpeg_pipeline", "jpeg_pipeline_reduced",
            "jpeg_randaugment", "jpeg_trivialaugment");
    static final List<String> PEER_FIGURES = List.of("peer_opencv_jpeg_pipeline", "peer_torchvision_jpeg_pipeline",
            "peer_torchvision_jpeg_randaugment", "peer_torchvision_jpeg_trivialaugment", "peer_opencv_jpeg_decode",
            "peer_pil_jpeg_decode");

    @TempDir
    static Path photos;

    @BeforeAll
    static void makeTinyPhotoSet() {
        OpenCv.load();
        int seed = 0;
        for (String size : PhotoSet.SIZES) {
            int[] landscape = size.equals("500") ? new int[] {375, 500} : new int[] {768, 1024};
            for (String source : List.of("a", "b")) {
                jpeg(photos.resolve(size).resolve(source).resolve("0000.jpg"), landscape[0], landscape[1], seed++);
                jpeg(photos.resolve(size).resolve(source).resolve("0001.jpg"), landscape[1], landscape[0], seed++);
            }
        }
    }

    /** A textured colour image (blurred noise on a gradient), saved as JPEG quality 90. */
    private static void jpeg(Path file, int height, int width, int seed) {
        Mat image = new Mat(height, width, CvType.CV_8UC3);
        Mat gradient = new Mat(height, width, CvType.CV_8UC3);
        MatOfInt quality = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 90);
        try {
            Files.createDirectories(file.getParent());
            Core.setRNGSeed(seed);
            Core.randu(image, 0, 255);
            Imgproc.GaussianBlur(image, image, new Size(9, 9), 3);
            Imgproc.resize(image.submat(0, height / 8, 0, width / 8), gradient, image.size(), 0, 0, Imgproc.INTER_CUBIC);
            Core.addWeighted(image, 0.5, gradient, 0.5, seed * 7 % 40, image);
            assertThat(Imgcodecs.imwrite(file.toString(), image, quality)).isTrue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            image.release();
            gradient.release();
            quality.release();
        }
    }

    private static JsonNode run(Path dir, String... more) throws Exception {
        Path json = dir.resolve("photos.json");
        List<String> args = new ArrayList<>(List.of("--photos=" + photos, "--rounds", "1", "--round-ms", "50",
                "--json", json.toString()));
        args.addAll(List.of(more));
        int exit = Commands.configure(new CommandLine(new OpsBenchCommand())).execute(args.toArray(String[]::new));
        assertThat(exit).isZero();
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void theProfileSortsThePipelineThreadsSamplesWithTheDecodeAmongThem() throws Exception {
        String report = PhotoProfile.profile("jpeg_pipeline", "500", PhotoSet.read(photos, "500"), 2000);
        assertThat(report).containsPattern("jpeg_pipeline, 500 set: \\d+ images in [\\d.]+ s")
                .containsPattern("\\d+ samples of the pipeline's thread")
                .contains(TurboJpeg.selected() ? "%  TurboJpeg.decode ← ImageDecoder.decodeJpeg"
                        : "%  Imgcodecs.imdecode ← ImageDecoder.imdecodeJpeg");
    }

    @Test
    void withoutPeersEveryFigureOfBothSizesIsThereAndNoPeerKey(@TempDir Path dir) throws Exception {
        JsonNode r = run(dir, "--peers", "no");
        for (String size : PhotoSet.SIZES) {
            assertThat(r.path("images_" + size).asInt()).isEqualTo(4);
            for (String figure : FIGURES) {
                assertThat(r.path(figure + "_img_per_s_" + size).asDouble()).as(figure + " " + size).isPositive();
            }
            assertThat(r.path("jpeg_pipeline_reduced_decode_factors_" + size).isObject()).isTrue();
            // Without peers, only the floor and the reduced-decode targets are judged; TurboJPEG's floor is shown.
            List<String> ratios = new ArrayList<>(List.of("pipeline ÷ decode floor (OpenCV imdecode)"));
            if (TurboJpeg.loaded()) {
                assertThat(r.path("jpeg_decode_turbojpeg_img_per_s_" + size).asDouble()).as("TurboJPEG " + size).isPositive();
                assertThat(r.path("jpeg_decode_turbojpeg_eighth_img_per_s_" + size).asDouble()).as("TurboJPEG 1/8 " + size)
                        .isPositive();
                ratios.add("pipeline ÷ TurboJPEG decode");
            } else {
                assertThat(r.has("jpeg_decode_turbojpeg_img_per_s_" + size)).isFalse();
                assertThat(r.has("jpeg_decode_turbojpeg_eighth_img_per_s_" + size)).isFalse();
            }
            ratios.add("reduced ÷ full decode");
            assertThat(r.path("targets_" + size).findValuesAsText("ratio")).containsExactlyElementsOf(ratios);
            JsonNode reduced = r.path("targets_" + size).get(ratios.size() - 1);
            if (size.equals("1024")) {
                assertThat(reduced.path("target").asDouble()).isEqualTo(2.0);
            } else {
                assertThat(reduced.has("target")).as("no reduced target at ~500×375").isFalse();
            }
        }
        assertThat(r.fieldNames()).toIterable().noneMatch(key -> key.startsWith("peer"));
        JsonNode env = r.path("environment");
        assertThat(env.path("opencv").asText()).isEqualTo(Core.VERSION);
        assertThat(env.path("cpu").asText()).isNotBlank();
        assertThat(env.path("pipeline_jpeg_decoder").asText()).isEqualTo(TurboJpeg.selected() ? "turbojpeg" : "opencv");
        assertThat(env.path("turbojpeg").asText()).startsWith(TurboJpeg.loaded() ? TurboJpeg.LIBRARY + " → /" : "not loaded");
        assertThat(env.path("cpu_flags").isArray()).isTrue();
        assertThat(env.path("opencv_threads").asInt()).isEqualTo(Core.getNumThreads());
        assertThat(env.path("steering").isObject()).isTrue();
    }

    @Test
    void thePeersRunOnTheSameSetWhenPythonHasThem(@TempDir Path dir) throws Exception {
        Path script = Path.of("..", "bench", "peers", "photo_peers.py");
        assumeTrue(pythonHasThePeersLibraries(), "/usr/bin/python3 or its cv2, PIL or torchvision is missing");
        JsonNode r = run(dir, "--peers", "yes", "--peers-script", script.toString());
        for (String size : PhotoSet.SIZES) {
            for (String figure : PEER_FIGURES) {
                assertThat(r.path(figure + "_img_per_s_" + size).asDouble()).as(figure + " " + size).isPositive();
            }
            assertThat(r.path("targets_" + size).findValuesAsText("ratio")).contains("pipeline ÷ faster peer",
                    "randaugment ÷ faster peer", "trivialaugment ÷ faster peer");
        }
        assertThat(r.path("peer_versions").path("torchvision").asText()).isNotBlank();
    }

    private static boolean pythonHasThePeersLibraries() throws InterruptedException {
        try {
            Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import cv2, PIL, torchvision")
                    .redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void everyPipelineSpecMakesA224By224RgbUint8RecordFromEitherSizeAndOrientation() {
        List<Path> jpegs = new ArrayList<>(PhotoSet.jpegs(photos, "500").subList(0, 2));
        jpegs.addAll(PhotoSet.jpegs(photos, "1024").subList(0, 2));
        for (String name : PhotoBenchmark.PIPELINES.keySet()) {
            PipelineSpec spec = PhotoBenchmark.parse(name);
            assertThat(spec.decode().reduced()).as(name).isEqualTo(name.endsWith("_reduced"));
            List<Class<?>> ops = spec.ops().stream().<Class<?>>map(step -> ((Step.Op) step).op().getClass()).toList();
            Class<?> third = name.contains("randaugment") ? RandAugment.class
                    : name.contains("trivialaugment") ? TrivialAugmentWide.class : ColorJitter.class;
            assertThat(ops).as(name).containsExactly(RandomResizedCrop.class, HorizontalFlip.class, third);
            RandomResizedCrop crop = (RandomResizedCrop) ((Step.Op) spec.ops().get(0)).op();
            assertThat(crop.scaleRange().min()).isEqualTo(0.08);
            assertThat(crop.ratioRange().max()).isEqualTo(4.0 / 3);
            assertThat(((Step.Op) spec.ops().get(2)).op().p()).isEqualTo(1.0);
            try (ImagePipeline pipeline = new ImagePipeline(spec, spec.normalization(), 0)) {
                for (Path file : jpegs) {
                    byte[] record = PreparedCodec.encode(pipeline.prepare(file.getFileName().toString(), "photos",
                            Split.TRAIN, 0, 0, Files.readAllBytes(file), Label.of(0)));
                    Tensor tensor = (Tensor) PreparedCodec.decode(record).payload();
                    assertThat(tensor.dtype()).isEqualTo(Dtype.UINT8);
                    assertThat(new int[] {tensor.channels(), tensor.height(), tensor.width()}).as(name + " " + file)
                            .containsExactly(3, 224, 224);
                    assertThat(tensor.rawData()).hasSize(3 * 224 * 224);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void photosAloneMeansTheDefaultSet() {
        OpsBenchCommand command = CommandLine.populateCommand(new OpsBenchCommand(), "--photos");
        assertThat(command.photos).isEqualTo(PhotoSet.DEFAULT_DIR);
        assertThat(CommandLine.populateCommand(new OpsBenchCommand()).photos).isNull();
    }

    @Test
    void aFileTheDecoderRefusesIsOneLineNamingIt(@TempDir Path dir) throws Exception {
        for (String size : PhotoSet.SIZES) {
            Path good = dir.resolve(size).resolve("a").resolve("0000.jpg");
            Files.createDirectories(good.getParent());
            Files.copy(PhotoSet.jpegs(photos, size).get(0), good);
        }
        Path bad = dir.resolve("1024").resolve("a").resolve("0001.jpg");
        byte[] whole = Files.readAllBytes(PhotoSet.jpegs(photos, "1024").get(0));
        Files.write(bad, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> new PhotoBenchmark(1, 50).run(dir, step -> { }))
                .isInstanceOf(UsageException.class).hasMessageContaining(bad.toString()).hasMessageContaining("truncated")
                .hasMessageNotContaining("\n");
    }
}
