package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.mix.Mixing;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.wire.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/** {@code bench pipeline --photos}: its spec, its choice of compression, and a tiny run through real workers on a real broker. */
class PhotoPipelineBenchTest {
    @Test
    void thePhotoSpecIsTheImagenetTrainRecipeWithoutErasingOrMixingToUint8() throws Exception {
        PipelineSpec spec = new SpecLoader(List.of()).parse(PipelineBenchCommand.photoSpecYaml(), "photo spec");
        assertThat(spec.ops()).extracting(step -> ((Step.Op) step).op().name())
                .containsExactly("RandomResizedCrop", "HorizontalFlip", "ColorJitter");
        assertThat(((Step.Op) spec.ops().get(0)).op().outputSize(375, 500)).containsExactly(224, 224);
        assertThat(spec.mixing()).isEqualTo(Mixing.NONE);
        assertThat(spec.channels()).isEqualTo(3);
        assertThat(spec.normalization()).isEqualTo(Normalization.IMAGENET);
        assertThat(spec.dtype()).isEqualTo(Dtype.UINT8);
    }

    @Test
    void theRecommendedCompressionWeighsAPercentOfBytesAsAPercentOfCpu() {
        Map<String, PipelineBenchCommand.Run> runs = new LinkedHashMap<>();
        runs.put("none", run(150_700, 4000));
        runs.put("lz4", run(120_000, 4100));
        runs.put("zstd", run(90_000, 4400)); // 25 % fewer bytes than lz4 for 7 % more CPU
        assertThat(figures(runs).recommended()).isEqualTo("zstd");
        runs.put("zstd", run(118_000, 5200)); // 2 % fewer bytes for 27 % more CPU
        assertThat(figures(runs).recommended()).isEqualTo("lz4");
        runs.put("lz4", run(149_000, 4400)); // random pixels: 1 % saved for 10 % more CPU
        assertThat(figures(runs).recommended()).isEqualTo("none");
    }

    @Test
    void aRunTooShortToMeasureCpuRecommendsOnBytesAlone() {
        Map<String, PipelineBenchCommand.Run> runs = new LinkedHashMap<>();
        runs.put("none", run(150_700, 0));
        runs.put("lz4", run(120_000, 0));
        runs.put("zstd", run(90_000, 4400)); // one window caught a clock tick, the others none
        assertThat(figures(runs).cpuMeasured()).isFalse();
        assertThat(figures(runs).recommended()).isEqualTo("zstd");
        runs.put("zstd", run(130_000, 0));
        assertThat(figures(runs).recommended()).isEqualTo("lz4");
    }

    @Test
    void photoSizeGoesWithPhotosAndNamesASizeOfTheSet() {
        CliTest.Outcome alone = CliTest.run("bench", "pipeline", "--photo-size", "1024");
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err().strip().lines()).hasSize(1);
        assertThat(alone.err()).contains("--photo-size goes with --photos");
        CliTest.Outcome wrong = CliTest.run("bench", "pipeline", "--photos", "--photo-size", "800");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("--photo-size must be one of 500, 1024, got 800");
        CliTest.Outcome few = CliTest.run("bench", "pipeline", "--photos", "--records", "10");
        assertThat(few.err()).contains("--records must be ≥ 100");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aTinyPhotoRunReportsThePhotoKeysTheRecords224x224x3Uint8AndEachCompressionsBytes(@TempDir Path dir) throws Exception {
        Path set = photoSet(dir.resolve("photos"));
        Path out = dir.resolve("bench.json");
        // No latency run: five worker JVMs (three compressions, then two workers) are the test's cost.
        CliTest.Outcome outcome = CliTest.run("bench", "pipeline", "--photos", set.toString(), "--records", "100",
                "--latency-rate", "0", "--json", out.toString());
        assertThat(outcome.code()).as(outcome.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toFile());

        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).allMatch(key -> key.startsWith("photos_"));
        // Today's keys, behind the prefix.
        assertThat(keys).contains("photos_records", "photos_in_process_rps", "photos_kafka_1_worker_rps", "photos_kafka_2_workers_rps",
                "photos_cpu_us_per_record_1_worker", "photos_cpu_us_per_record_2_workers", "photos_latency_rate_rps",
                "photos_p99_latency_ms",
                "photos_kafka_1_worker_mb_per_s", "photos_prepared_over_raw_tensor", "photos_compression_recommended",
                "photos_target_1_worker_over_in_process_met", "photos_target_cpu_per_record_2_workers_over_1_met",
                "photos_target_prepared_over_raw_tensor_met");
        assertThat(json.get("photos_records").asInt()).isEqualTo(100); // 25 passes over the four photos
        // What it ran on: the CPU and its flags, the JPEG decoder, the JVM.
        assertThat(json.get("photos_environment").get("cpu_flags").size()).isPositive();
        assertThat(json.get("photos_environment").get("pipeline_jpeg_decoder").asText()).isIn("turbojpeg", "opencv");
        assertThat(json.get("photos_environment").get("java").asText()).contains(Runtime.version().toString());
        assertThat(json.get("photos_p99_latency_ms").isNull()).isTrue(); // not measured
        // Beside each run: the broker's JVM (this one) and the machine; a window of a few records can be
        // shorter than a clock tick, so only the range is sure.
        assertThat(json.get("photos_machine_cores").asInt()).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        for (String run : List.of("1_worker", "2_workers")) {
            JsonNode busy = json.get("photos_machine_cores_busy_" + run);
            assertThat(busy.isNull() || busy.asDouble() >= 0 && busy.asDouble() <= 1).as(run).isTrue();
            JsonNode broker = json.get("photos_broker_jvm_cpu_us_per_record_" + run);
            assertThat(broker.isNull() || broker.isNumber() && broker.asDouble() >= 0).as(run).isTrue();
        }
        assertThat(json.has("photos_1_worker_bound_over_in_process")).isTrue();
        assertThat(json.has("photos_cpu_per_record_2_workers_over_1_without_jit")).isTrue();

        // The records read back from the broker: 3×224×224 uint8, a little more than the bare tensor.
        assertThat(json.get("photos_prepared_shape")).extracting(JsonNode::asInt).containsExactly(3, 224, 224);
        assertThat(json.get("photos_prepared_dtype").asText()).isEqualTo("uint8");
        assertThat(json.get("photos_raw_tensor_bytes").asLong()).isEqualTo(224 * 224 * 3);
        assertThat(json.get("photos_prepared_over_raw_tensor").asDouble()).isBetween(1.0, 1.05);

        for (String codec : PipelineBenchCommand.COMPRESSIONS) {
            assertThat(json.get("photos_compression_" + codec + "_bytes_per_record").asDouble()).as(codec).isPositive();
            assertThat(json.has("photos_compression_" + codec + "_cpu_ms_per_record")).as(codec).isTrue();
        }
        // Uncompressed, the broker stores at least each record's value.
        assertThat(json.get("photos_compression_none_bytes_per_record").asDouble())
                .isGreaterThanOrEqualTo(json.get("photos_prepared_value_bytes").asDouble());
        assertThat(PipelineBenchCommand.COMPRESSIONS).contains(json.get("photos_compression_recommended").asText());
    }

    private static PipelineBenchCommand.Run run(double bytes, double cpuUs) {
        return new PipelineBenchCommand.Run(100, cpuUs, Map.of(), 0.9, bytes);
    }

    private static PipelineBenchCommand.PhotoFigures figures(Map<String, PipelineBenchCommand.Run> runs) {
        return new PipelineBenchCommand.PhotoFigures("500", new PipelineBenchCommand.Prepared(1, 150_800, List.of(3, 224, 224), "uint8"),
                "lz4", runs);
    }

    /** A photo set in the layout PhotoSet reads: four JPEGs (quality 90) at ~500×375 in two classes, one at 1024×768. */
    private static Path photoSet(Path root) throws Exception {
        OpenCv.load();
        Random random = new Random(3);
        int[][] sizes = {{375, 500}, {500, 375}, {375, 500}, {375, 500}};
        for (int i = 0; i < sizes.length; i++) {
            write(root.resolve("500").resolve(i % 2 == 0 ? "lake" : "cups").resolve(i + ".jpg"), sizes[i][0], sizes[i][1], random);
        }
        write(root.resolve("1024").resolve("lake").resolve("0.jpg"), 768, 1024, random);
        return root;
    }

    /** A smooth colour gradient with grain, like a photograph's sky and texture. */
    private static void write(Path file, int height, int width, Random random) throws Exception {
        Files.createDirectories(file.getParent());
        Mat image = new Mat(height, width, CvType.CV_8UC3);
        Mat grain = new Mat(height, width, CvType.CV_8UC3);
        MatOfByte jpeg = new MatOfByte();
        try {
            byte[] pixels = new byte[height * width * 3];
            double tilt = random.nextDouble();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int at = (y * width + x) * 3;
                    pixels[at] = (byte) (60 + 150.0 * y / height);
                    pixels[at + 1] = (byte) (40 + 120.0 * (tilt * x / width + (1 - tilt) * y / height));
                    pixels[at + 2] = (byte) (200 - 120.0 * x / width);
                }
            }
            image.put(0, 0, pixels);
            Core.randn(grain, 0, 12);
            Core.add(image, grain, image);
            Core.add(image, new Scalar(random.nextInt(20), random.nextInt(20), random.nextInt(20)), image);
            Imgcodecs.imencode(".jpg", image, jpeg, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 90));
            Files.write(file, jpeg.toArray());
        } finally {
            image.release();
            grain.release();
            jpeg.release();
        }
    }
}
