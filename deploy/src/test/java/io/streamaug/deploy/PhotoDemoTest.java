package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.core.process.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/** {@code demo --photos}: the whole product on a folder of JPEGs, as a user runs it. */
class PhotoDemoTest {
    private static final List<String> CLASSES = List.of("blue", "green", "red");
    private static final int PER_CLASS = 6;

    @Test
    void theQuickPhotoDemoTrainsOnAFolderOfJpegsAndReportsWithAPreviewOfThePhotos(@TempDir Path dir) throws Exception {
        Path photos = dir.resolve("photos");
        writePhotos(photos.resolve("500"));
        Path report = dir.resolve("report");

        // Its own embedded broker, as the command always starts one.
        CliTest.Outcome outcome = CliTest.run("demo", "--photos", photos.toString(), "--quick", "--workers", "1",
                "--partitions", "2", "--batch-size", "8", "--report", report.toString());
        assertThat(outcome.code()).as(outcome.err()).isZero();

        JsonNode results = new ObjectMapper().readTree(report.resolve("results.json").toFile());
        assertThat(results.path("dataset").asText()).isEqualTo("photos");
        assertThat(results.path("classes").asInt()).isEqualTo(3);
        assertThat(results.path("images").asInt()).isEqualTo(CLASSES.size() * PER_CLASS);
        assertThat(results.path("dataset_source").asText()).contains("18 photos in 3 classes");
        long val = results.path("val_samples").asLong();
        long test = results.path("test_samples").asLong();
        long train = CLASSES.size() * PER_CLASS - val - test;
        assertThat(test).as("test-split photos evaluated").isPositive();
        assertThat(train).isPositive();
        // The quick form: the train split replayed QUICK_PHOTO_EPOCHS times, every replay trained on.
        assertThat(results.path("train_samples").asLong()).isEqualTo(train * DemoCommand.QUICK_PHOTO_EPOCHS);
        assertThat(results.path("steps").asLong()).isEqualTo((train * DemoCommand.QUICK_PHOTO_EPOCHS + 7) / 8);
        assertThat(results.path("records_trained").asText()).contains("replayed " + DemoCommand.QUICK_PHOTO_EPOCHS + " times");
        assertThat(results.path("model").asText()).startsWith("cnn model").contains("3×64×64");
        // Every record produced was prepared and read by the trainer or the evaluation; none dead-lettered.
        assertThat(results.path("records_prepared").asLong()).isEqualTo(results.path("records_produced").asLong());
        assertThat(results.path("dead_letters").asLong()).isZero();
        assertThat(results.path("test_accuracy").asDouble()).isBetween(0.0, 1.0);

        long stepLines = Files.readAllLines(report.resolve("run/metrics.jsonl")).stream()
                .filter(line -> line.contains("\"type\":\"step\"")).count();
        assertThat(stepLines).as("the trainer's steps").isEqualTo(results.path("steps").asLong());
        assertThat(Files.readString(report.resolve("test-evaluation.txt"))).contains("confusion matrix");
        assertThat(Files.readString(report.resolve("spec.yaml"))).contains("RandomResizedCrop");
        assertThat(Files.readString(report.resolve("trainer-config.json"))).contains("\"model\":\"cnn\"");

        // The preview: each photo whole beside three augmented versions, in colour, at twice the model's 64×64.
        Mat preview = Imgcodecs.imread(report.resolve("preview.png").toString());
        try {
            assertThat(preview.channels()).isEqualTo(3);
            assertThat(preview.cols()).isGreaterThanOrEqualTo(128 + 3 * (128 + 4));
        } finally {
            preview.release();
        }
        String html = Files.readString(report.resolve("index.html"));
        assertThat(html).contains("streamaug demo — photos").contains("preview.png").contains("chance 1/3")
                .contains("on " + test + " samples of the test split").contains("0 dead-lettered").contains("3 classes");
        // The folder given was read, not written to.
        try (var children = Files.list(photos)) {
            assertThat(children.map(p -> p.getFileName().toString())).containsExactly("500");
        }
    }

    @Test
    void photosAndTextAreRefusedTogetherInOneLine() {
        for (String[] args : List.of(new String[] {"demo", "--photos", "--text"},
                new String[] {"demo", "--text", "--photos", "somewhere"})) {
            CliTest.Outcome outcome = CliTest.run(args);
            assertThat(outcome.code()).isEqualTo(2);
            assertThat(outcome.err().strip().lines()).as(outcome.err()).hasSize(1);
            assertThat(outcome.err()).contains("--photos and --text are two different demos").doesNotContain("Exception");
        }
    }

    @Test
    void aFolderWithoutThePhotoSetIsRefusedRatherThanWrittenInto(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        CliTest.Outcome outcome = CliTest.run("demo", "--photos", dir.toString(), "--quick");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip().lines()).as(outcome.err()).hasSize(1);
        assertThat(outcome.err()).contains("500/CLASS/*.jpg");
        try (var children = Files.list(dir)) {
            assertThat(children).hasSize(1);
        }
    }

    /**
     * Without the photo set's ingredients the user gets the one line that says what to install,
     * as a launched demo prints it. PIL is made unimportable here, as it is on a machine without
     * python3-pil.
     */
    @Test
    void withoutPythonPilTheDemoSaysWhatToInstallInOneLine(@TempDir Path dir) throws Exception {
        Path home = Path.of("..").toAbsolutePath().normalize();
        assertThat(home.resolve("bench/photos/make_photo_set.py")).isRegularFile();
        Path fake = Files.createDirectories(dir.resolve("no-pil").resolve("PIL"));
        Files.writeString(fake.resolve("__init__.py"), "raise ModuleNotFoundError(\"No module named 'PIL'\")\n");
        Path log = dir.resolve("demo.log");
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.main(StreamaugCli.class).heap("256m")
                .args("demo", "--photos", dir.resolve("set").toString(), "--quick").command())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("STREAMAUG_HOME", home.toString());
        builder.environment().put("PYTHONPATH", dir.resolve("no-pil").toString());
        Process demo = builder.start();
        try {
            assertThat(demo.waitFor(2, TimeUnit.MINUTES)).as("the demo ended").isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(demo.exitValue()).as(output).isEqualTo(2);
            List<String> errors = output.lines().filter(l -> l.startsWith("streamaug")).toList();
            assertThat(errors).as(output).singleElement().asString().contains("python3-pil");
            assertThat(output).doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            demo.destroyForcibly();
        }
    }

    /** {@code per class} JPEGs of a colour with noise, landscape and portrait, of different sizes. */
    private static void writePhotos(Path root) throws Exception {
        OpenCv.load();
        Core.setRNGSeed(42);
        List<Scalar> colours = List.of(new Scalar(200, 60, 40), new Scalar(50, 180, 60), new Scalar(40, 50, 210)); // BGR
        for (int c = 0; c < CLASSES.size(); c++) {
            Path folder = Files.createDirectories(root.resolve(CLASSES.get(c)));
            for (int i = 0; i < PER_CLASS; i++) {
                int width = i % 2 == 0 ? 160 + 20 * i : 90 + 10 * i;
                int height = i % 2 == 0 ? 120 + 15 * i : 120 + 20 * i;
                Mat image = new Mat(height, width, CvType.CV_8UC3, colours.get(c));
                Mat noise = new Mat(height, width, CvType.CV_8UC3);
                MatOfInt quality = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 90);
                try {
                    Core.randu(noise, 0, 40);
                    Core.add(image, noise, image);
                    assertThat(Imgcodecs.imwrite(folder.resolve(i + ".jpg").toString(), image, quality)).isTrue();
                } finally {
                    image.release();
                    noise.release();
                    quality.release();
                }
            }
        }
    }
}
