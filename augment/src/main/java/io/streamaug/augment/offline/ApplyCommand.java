package io.streamaug.augment.offline;

import io.streamaug.augment.image.AugmentedImage;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.mix.Mixing;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Label;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamaug apply}: a spec's train ops applied to image files, written as PNG before
 * normalisation, keeping relative paths and file names — the same draws the workers make for a
 * record whose id is the file's relative path.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Apply a spec's ops to image files and write the results as PNG (before normalisation).",
            "Each file's id is its path relative to --input, so the draws are those a worker makes for that id.",
            "Mixing needs a partner and labels, so it is left out here."})
public final class ApplyCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, paramLabel = "FILE|NAME", description = "Pipeline spec: a YAML file or a bundled spec.")
    String spec;

    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "An image file or a directory of images.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write the PNGs (created if missing).")
    Path output;

    @Option(names = "--epoch", defaultValue = "0", description = "Epoch of the draws (default: ${DEFAULT-VALUE}).")
    int epoch;

    @Option(names = "--repeat", defaultValue = "0", description = "Repeat of the draws (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() throws IOException {
        if (epoch < 0 || repeat < 0) {
            throw new UsageException("--epoch and --repeat must be ≥ 0");
        }
        if (!Files.exists(input)) {
            throw new UsageException("--input " + input + " does not exist");
        }
        PipelineSpec loaded = SpecLoader.resolve(spec, List.of());
        if (loaded.mixing().mixes()) {
            System.err.println("note: the spec mixes samples; apply writes each image without mixing");
        }
        PipelineSpec pipelineSpec = new PipelineSpec(loaded.seed(), loaded.channels(), 1, loaded.ops(), loaded.evalOps(),
                Mixing.NONE, loaded.normalization(), loaded.dtype(), loaded.identity(), loaded.decode());
        float[] zeros = new float[pipelineSpec.channels()];
        float[] ones = new float[pipelineSpec.channels()];
        java.util.Arrays.fill(ones, 1f);
        Path base = Files.isDirectory(input) ? input : input.getParent() == null ? Path.of(".") : input.getParent();
        List<Path> files = Files.isDirectory(input) ? SampleSource.images(input) : List.of(input);
        Files.createDirectories(output);
        OpenCv.load();
        int written = 0;
        int skipped = 0;
        Mat mat = new Mat();
        Mat bgr = new Mat();
        MatOfByte png = new MatOfByte();
        try (ImagePipeline pipeline = new ImagePipeline(pipelineSpec, new Normalization(zeros, ones, 0), 0)) {
            for (Path file : files) {
                String id = base.relativize(file).toString();
                AugmentedImage image;
                try {
                    image = pipeline.augment(id, Split.TRAIN, epoch, repeat, Files.readAllBytes(file), Label.none());
                } catch (IllegalArgumentException e) {
                    System.err.println("skipped " + file + ": " + e.getMessage());
                    skipped++;
                    continue;
                }
                mat.create(image.height(), image.width(), CvType.CV_8UC(image.channels()));
                mat.put(0, 0, image.hwc());
                Mat toWrite = mat;
                if (image.channels() == 3) {
                    Imgproc.cvtColor(mat, bgr, Imgproc.COLOR_RGB2BGR);
                    toWrite = bgr;
                }
                Imgcodecs.imencode(".png", toWrite, png);
                Path target = output.resolve(withPngExtension(id));
                Files.createDirectories(target.getParent() == null ? output : target.getParent());
                Files.write(target, png.toArray());
                written++;
            }
        } finally {
            mat.release();
            bgr.release();
            png.release();
        }
        System.out.println("wrote " + written + " PNG(s) to " + output + (skipped > 0 ? "; skipped " + skipped : ""));
        return skipped > 0 && written == 0 ? 1 : 0;
    }

    static String withPngExtension(String id) {
        int dot = id.lastIndexOf('.');
        int slash = id.lastIndexOf('/');
        return (dot > slash ? id.substring(0, dot) : id) + ".png";
    }
}
