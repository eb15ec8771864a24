package io.streamaug.augment.offline;

import io.streamaug.augment.image.AugmentedImage;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamaug preview}: a PNG grid of originals beside their augmented versions, with (soft) labels. */
@Command(name = "preview", mixinStandardHelpOptions = true,
        description = {"Images: draw originals beside their augmented versions, with (soft) labels, as a PNG grid; "
                + "mixing pairs each sample with the next one.",
            "Text (a spec with type: text): print each text beside its variants with the changed words marked; "
                + "--source is a .jsonl or .csv file or the SpamAssassin directory."})
public final class PreviewCommand implements Callable<Integer> {
    private static final int CELL = 112;
    private static final int CAPTION = 30;
    private static final int PAIRS_PER_ROW = 4;

    @Option(names = "--spec", defaultValue = "fashion-mnist", paramLabel = "FILE|NAME",
            description = "Pipeline spec: a YAML file or a bundled spec (default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = "--source", defaultValue = "fashion-mnist", paramLabel = "fashion-mnist|DIR",
            description = "Images: Fashion-MNIST's training set, or a directory (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--n", defaultValue = "32", description = "How many samples (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--epoch", defaultValue = "0", description = "Epoch whose draws to show (default: ${DEFAULT-VALUE}).")
    int epoch;

    @Option(names = "--repeat", defaultValue = "0", description = "Repeat whose draws to show (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--out", defaultValue = "preview.png", description = "Output PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--words", defaultValue = "40", description = "Text: show the first N words of each text (default: ${DEFAULT-VALUE}).")
    int words;

    @Override
    public Integer call() {
        if (count < 1 || count > 1024) {
            throw new UsageException("--n must be in 1..1024, got " + count);
        }
        if (SpecLoader.isText(spec)) {
            var corpus = io.streamaug.datasets.TextCorpus.load(Path.of(source), "auto", "text", "label", "id");
            List<io.streamaug.datasets.TextCorpus.Row> rows = corpus.rows().subList(0, Math.min(count, corpus.rows().size()));
            if (rows.isEmpty()) {
                throw new UsageException("no usable texts in " + source);
            }
            TextPreview.print(SpecLoader.resolveText(spec), rows, Math.max(1, words), System.out);
            return 0;
        }
        if (out.getParent() != null && !Files.isDirectory(out.getParent())) {
            throw new UsageException("--out " + out + ": directory " + out.getParent() + " does not exist");
        }
        SampleSource.Loaded loaded = SampleSource.load(source, count);
        if (loaded.samples().isEmpty()) {
            throw new UsageException("no images found in " + source);
        }
        PipelineSpec pipelineSpec = SpecLoader.resolve(spec, loaded.classes());
        boolean labelled = loaded.samples().stream().allMatch(s -> s.label() >= 0);
        boolean mix = pipelineSpec.mixing().mixes() && labelled;
        int classes = Math.max(loaded.classes().size(), 2);
        if (!labelled && (pipelineSpec.mixing().mixes() || pipelineSpec.mixing().labelSmoothing() > 0)) {
            System.err.println("note: these images have no labels, so mixing and label smoothing are not shown");
            pipelineSpec = new PipelineSpec(pipelineSpec.seed(), pipelineSpec.channels(), pipelineSpec.repeats(),
                    pipelineSpec.ops(), pipelineSpec.evalOps(), io.streamaug.augment.image.mix.Mixing.NONE,
                    pipelineSpec.normalization(), pipelineSpec.dtype());
        }
        Normalization norm = pipelineSpec.normalization() != null ? pipelineSpec.normalization()
                : new Normalization(new float[pipelineSpec.channels()], ones(pipelineSpec.channels()), 0);
        List<String> names = loaded.classes();
        OpenCv.load();
        int rows = (loaded.samples().size() + PAIRS_PER_ROW - 1) / PAIRS_PER_ROW;
        Mat grid = new Mat(rows * (CELL + CAPTION), PAIRS_PER_ROW * (2 * CELL + 16), CvType.CV_8UC3, Scalar.all(255));
        try (ImagePipeline pipeline = new ImagePipeline(pipelineSpec, norm, classes);
                ImagePipeline originals = new ImagePipeline(identity(pipelineSpec), norm, classes)) {
            List<AugmentedImage> augmented = new ArrayList<>();
            List<AugmentedImage> plain = new ArrayList<>();
            for (SampleSource.Sample s : loaded.samples()) {
                Label label = s.label() >= 0 ? Label.of(s.label()) : Label.none();
                try {
                    augmented.add(pipeline.augment(s.id(), Split.TRAIN, epoch, repeat, s.encoded(), label));
                    plain.add(originals.augment(s.id(), Split.VAL, 0, 0, s.encoded(), label));
                } catch (IllegalArgumentException e) {
                    System.err.println("skipped " + s.id() + ": " + e.getMessage());
                }
            }
            for (int i = 0; i < augmented.size(); i++) {
                AugmentedImage shown = mix ? pipeline.mix(augmented.get(i), augmented.get((i + 1) % augmented.size()))
                        : augmented.get(i);
                int x = (i % PAIRS_PER_ROW) * (2 * CELL + 16);
                int y = (i / PAIRS_PER_ROW) * (CELL + CAPTION);
                draw(grid, plain.get(i), x, y);
                draw(grid, shown, x + CELL + 4, y);
                caption(grid, describe(plain.get(i).label(), names), x + 2, y + CELL + 12);
                caption(grid, describe(shown.label(), names), x + CELL + 6, y + CELL + 12);
                String ops = shown.trace().stream().map(t -> t.op()).reduce((a, b) -> a + " " + b).orElse("(none)");
                caption(grid, ops.length() > 42 ? ops.substring(0, 40) + ".." : ops, x + 2, y + CELL + 25);
            }
            if (!Imgcodecs.imwrite(out.toString(), grid)) {
                throw new UsageException("could not write " + out);
            }
        } finally {
            grid.release();
        }
        System.out.println("wrote " + out + " (" + loaded.samples().size() + " originals beside their augmented versions)");
        return 0;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /** The same spec with nothing but its eval ops, to show originals at the size the model sees. */
    private static PipelineSpec identity(PipelineSpec spec) {
        return new PipelineSpec(spec.seed(), spec.channels(), 1, List.of(), spec.evalOps(),
                io.streamaug.augment.image.mix.Mixing.NONE, spec.normalization(), spec.dtype());
    }

    private static void draw(Mat grid, AugmentedImage image, int x, int y) {
        Mat mat = new Mat(image.height(), image.width(), CvType.CV_8UC(image.channels()));
        Mat bgr = new Mat();
        Mat scaled = new Mat();
        try {
            mat.put(0, 0, image.hwc());
            Imgproc.cvtColor(mat, bgr, image.channels() == 1 ? Imgproc.COLOR_GRAY2BGR : Imgproc.COLOR_RGB2BGR);
            double factor = Math.min((double) CELL / image.width(), (double) CELL / image.height());
            int w = Math.max(1, (int) (image.width() * factor));
            int h = Math.max(1, (int) (image.height() * factor));
            Imgproc.resize(bgr, scaled, new Size(w, h), 0, 0, factor >= 1 ? Imgproc.INTER_NEAREST : Imgproc.INTER_AREA);
            Mat cell = grid.submat(new Rect(x, y, w, h));
            scaled.copyTo(cell);
            cell.release();
        } finally {
            mat.release();
            bgr.release();
            scaled.release();
        }
    }

    static String describe(Label label, List<String> names) {
        if (label instanceof Label.Hard hard) {
            return name(hard.index(), names);
        }
        if (label instanceof Label.Soft soft) {
            float[] w = soft.weights();
            int first = 0;
            for (int i = 1; i < w.length; i++) {
                first = w[i] > w[first] ? i : first;
            }
            int second = first == 0 ? 1 : 0;
            for (int i = 0; i < w.length; i++) {
                second = i != first && w[i] > w[second] ? i : second;
            }
            return String.format(Locale.ROOT, "%.2f %s/%.2f %s", w[first], name(first, names), w[second], name(second, names));
        }
        return "";
    }

    private static String name(int index, List<String> names) {
        String name = index < names.size() ? names.get(index) : Integer.toString(index);
        return name.length() > 9 ? name.substring(0, 9) : name;
    }

    private static void caption(Mat grid, String text, int x, int y) {
        Imgproc.putText(grid, text, new Point(x, y), Imgproc.FONT_HERSHEY_SIMPLEX, 0.3, new Scalar(20, 20, 20), 1,
                Imgproc.LINE_AA);
    }
}
