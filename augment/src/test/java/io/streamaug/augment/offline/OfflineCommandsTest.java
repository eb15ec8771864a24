package io.streamaug.augment.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.OpenCv;
import io.streamaug.core.cli.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;
import picocli.CommandLine;

class OfflineCommandsTest {
    private static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures");

    static {
        OpenCv.load();
    }

    static int run(Object command, String... args) {
        return Commands.configure(new CommandLine(command)).execute(args);
    }

    /**
     * Deterministic ops with fixed parameters follow torchvision's conventions (angle sign, centre,
     * output size): the same image and parameters give nearly the same pixels. The references were
     * made by torchvision 0.14 (bench/peers/make_rotate_fixture.py).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "rotate 15 bilinear | {op: Rotate, angle_range: [15, 15], interpolation: bilinear} | pattern_rotate15_torchvision.png | 2.0",
        "rotate -40 nearest | {op: Rotate, angle_range: [-40, -40], interpolation: nearest} | pattern_rotate-40_nearest_torchvision.png | 0.0",
        "horizontal flip    | {op: HorizontalFlip, p: 1} | pattern_hflip_torchvision.png | 0.0",
        "resize + crop      | {op: Resize, size: 32}, {op: CenterCrop, size: 24} | pattern_resize32_centercrop24_torchvision.png | 0.5",
    })
    void applyFollowsTorchvisionConventions(String name, String ops, String reference, double tolerance,
            @TempDir Path dir) throws Exception {
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, "{ops: [" + ops + "]}");
        Path input = dir.resolve("in");
        Files.createDirectories(input);
        Files.copy(FIXTURES.resolve("pattern.png"), input.resolve("pattern.png"));
        assertThat(run(new ApplyCommand(), "--spec", spec.toString(), "--input", input.toString(),
                "--output", dir.resolve("out").toString())).isZero();
        Mat ours = Imgcodecs.imread(dir.resolve("out/pattern.png").toString(), Imgcodecs.IMREAD_GRAYSCALE);
        Mat theirs = Imgcodecs.imread(FIXTURES.resolve(reference).toString(), Imgcodecs.IMREAD_GRAYSCALE);
        assertThat(ours.size()).isEqualTo(theirs.size());
        Mat diff = new Mat();
        Core.absdiff(ours, theirs, diff);
        double meanAbsDiff = Core.mean(diff).val[0];
        assertThat(meanAbsDiff).as("mean |ours − torchvision| in pixel levels").isLessThanOrEqualTo(tolerance);
        for (Mat m : List.of(ours, theirs, diff)) {
            m.release();
        }
    }

    @Test
    void applyKeepsRelativeNamesAndReplaysTheSameDraws(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in");
        Files.createDirectories(input.resolve("shoes"));
        Files.copy(FIXTURES.resolve("pattern.png"), input.resolve("shoes/a.png"));
        Files.copy(FIXTURES.resolve("pattern.png"), input.resolve("b.png"));
        Files.writeString(input.resolve("notes.txt"), "not an image");
        for (String out : List.of("out1", "out2")) {
            assertThat(run(new ApplyCommand(), "--spec", "fashion-mnist", "--input", input.toString(),
                    "--output", dir.resolve(out).toString(), "--epoch", "3")).isZero();
        }
        try (Stream<Path> files = Files.walk(dir.resolve("out1"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.resolve("out1").relativize(p).toString()).sorted())
                    .containsExactly("b.png", "shoes/a.png");
        }
        assertThat(Files.readAllBytes(dir.resolve("out1/shoes/a.png"))).isEqualTo(Files.readAllBytes(dir.resolve("out2/shoes/a.png")));
        // Same pixels, different ids: different draws.
        assertThat(Files.readAllBytes(dir.resolve("out1/shoes/a.png"))).isNotEqualTo(Files.readAllBytes(dir.resolve("out1/b.png")));
    }

    @Test
    void previewsCanvasFitsItsGrid(@TempDir Path dir) {
        int pair = 2 * 112 + 4;
        Path out = dir.resolve("grid.png");
        assertThat(run(new PreviewCommand(), "--spec", "fashion-mnist", "--source", "fashion-mnist", "--n", "12",
                "--out", out.toString())).isZero();
        Mat grid = Imgcodecs.imread(out.toString());
        assertThat(grid.cols()).isEqualTo(4 * pair + 3 * 14);
        assertThat(grid.rows()).isBetween(3 * (14 + 112 + 3 * 12), 3 * (14 + 112 + 5 * 12 + 6)); // 3 rows of 4 pairs
        // The last row is drawn: its bottom caption band holds ink.
        Mat lastRow = grid.submat(grid.rows() - 3 * 12, grid.rows(), 0, grid.cols());
        assertThat(Core.mean(lastRow).val[0]).isLessThan(254);
        lastRow.release();
        grid.release();
        assertThat(run(new PreviewCommand(), "--n", "2", "--out", out.toString())).isZero();
        grid = Imgcodecs.imread(out.toString());
        assertThat(grid.cols()).isEqualTo(2 * pair + 14); // two pairs: no blank columns for four
        assertThat(grid.rows()).isLessThan(14 + 112 + 6 * 12);
        grid.release();
    }

    @Test
    void wholePhotosAreDrawnUnsquashedInTheirColoursBesideSeveralVersions(@TempDir Path dir) throws Exception {
        // A red landscape photo and a blue portrait one (OpenCV writes BGR).
        Path source = dir.resolve("photos");
        Files.createDirectories(source.resolve("red"));
        Files.createDirectories(source.resolve("blue"));
        Mat red = new Mat(150, 200, org.opencv.core.CvType.CV_8UC3, new org.opencv.core.Scalar(0, 0, 255));
        Mat blue = new Mat(200, 150, org.opencv.core.CvType.CV_8UC3, new org.opencv.core.Scalar(255, 0, 0));
        assertThat(Imgcodecs.imwrite(source.resolve("red/a.jpg").toString(), red)).isTrue();
        assertThat(Imgcodecs.imwrite(source.resolve("blue/b.jpg").toString(), blue)).isTrue();
        red.release();
        blue.release();
        Path out = dir.resolve("grid.png");
        assertThat(run(new PreviewCommand(), "--spec", "photos", "--source", source.toString(), "--n", "2", "--whole",
                "--versions", "3", "--cell", "128", "--out", out.toString())).isZero();

        Mat grid = Imgcodecs.imread(out.toString());
        int originalBox = 171; // a landscape original gets a 4:3 box of the cell's height
        int panel = originalBox + 3 * (128 + 4);
        assertThat(grid.cols()).isEqualTo(2 * panel + 14);
        int y = 14 + 64; // the middle of the pictures' row
        List<String> seen = new java.util.ArrayList<>();
        for (int x0 : new int[] {0, panel + 14}) {
            double[] centre = grid.get(y, x0 + originalBox / 2);
            double[] edge = grid.get(y, x0 + 3);
            if (centre[2] > 200 && centre[1] < 60 && centre[0] < 60) {
                seen.add("red");
                assertThat(edge[2]).as("the landscape photo fills its box's width").isGreaterThan(200);
            } else if (centre[0] > 200 && centre[1] < 60 && centre[2] < 60) {
                seen.add("blue");
                assertThat(edge).as("the portrait photo keeps its shape: white beside it").containsExactly(255, 255, 255);
            }
            // Each version is drawn: the cells after the original hold the photo's pixels, not the white canvas.
            for (int v = 0; v < 3; v++) {
                assertThat(grid.get(y, x0 + originalBox + 4 + v * 132 + 64)).as("version %d", v).isNotEqualTo(new double[] {255, 255, 255});
            }
        }
        assertThat(seen).as("the originals' colours, in RGB order").containsExactlyInAnyOrder("red", "blue");
        grid.release();
    }

    @Test
    void theSampleIsDrawnAcrossClassesWithTheSeed() {
        int[] labels = new int[100];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 80 ? 0 : i < 95 ? 1 : 2; // unbalanced: 80, 15, 5
        }
        List<Integer> drawn = SampleSource.draw(labels, 9, 7);
        assertThat(drawn).hasSize(9).doesNotHaveDuplicates();
        assertThat(drawn.stream().map(i -> labels[i]).toList()).containsOnly(0, 1, 2)
                .filteredOn(l -> l == 2).hasSize(3);
        assertThat(SampleSource.draw(labels, 9, 7)).isEqualTo(drawn);
        assertThat(SampleSource.draw(labels, 9, 8)).isNotEqualTo(drawn);
        // When a class runs out, the others go on; never more than there are.
        assertThat(SampleSource.draw(labels, 30, 7).stream().filter(i -> labels[i] == 2)).hasSize(5);
        assertThat(SampleSource.draw(labels, 500, 7)).hasSize(100);
    }

    @Test
    void softLabelsReadAsClassesPlusSmoothingAndCaptionsWrapWithoutCutting() {
        List<String> names = List.of("cat", "dog", "fox", "owl", "elk", "ant", "bee", "cow", "pig", "rat");
        // Smoothing 0.1 over 10 classes: the cat keeps 0.9 + 0.01; the other nine share 0.09.
        float[] smoothed = new float[10];
        java.util.Arrays.fill(smoothed, 0.01f);
        smoothed[0] = 0.91f;
        assertThat(PreviewCommand.describe(io.streamaug.core.wire.Label.soft(smoothed), names, 0.1))
                .isEqualTo("0.91 cat + 0.09 (smoothing)");
        float[] mixed = smoothed.clone();
        mixed[0] = 0.55f;
        mixed[3] = 0.37f;
        assertThat(PreviewCommand.describe(io.streamaug.core.wire.Label.soft(mixed), names, 0.1))
                .isEqualTo("0.55 cat + 0.37 owl + 0.08 (smoothing)");
        float[] plainMix = new float[10];
        plainMix[1] = 0.7f;
        plainMix[2] = 0.3f;
        assertThat(PreviewCommand.describe(io.streamaug.core.wire.Label.soft(plainMix), names, 0))
                .isEqualTo("0.70 dog + 0.30 fox");
        assertThat(PreviewCommand.describe(io.streamaug.core.wire.Label.of(9), names, 0)).isEqualTo("rat");

        String text = "augmented: 0.55 T-shirt/top + 0.37 Ankle boot + 0.08 (smoothing) RandomResizedCropWithAVeryLongName";
        List<String> lines = PreviewCommand.wrap(text, 120);
        assertThat(lines).hasSizeGreaterThan(2).allSatisfy(l -> assertThat(PreviewCommand.textWidth(l)).isLessThanOrEqualTo(120));
        assertThat(String.join("", lines).replace(" ", "")).isEqualTo(text.replace(" ", ""));
    }

    @Test
    void badArgumentsAreOneLine() {
        assertThat(run(new ApplyCommand(), "--spec", "nope", "--input", "/nonexistent", "--output", "/tmp/x")).isEqualTo(2);
        assertThat(run(new PreviewCommand(), "--n", "0")).isEqualTo(2);
        assertThat(run(new PreviewCommand(), "--versions", "0")).isEqualTo(2);
        assertThat(run(new PreviewCommand(), "--cell", "8")).isEqualTo(2);
    }
}
