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
        description = {"Images: draw originals beside their augmented versions, with (soft) labels and the ops applied, "
                + "as a PNG grid; the samples are drawn across the classes with --seed; mixing pairs each sample with the next one.",
            "Photos: --whole shows each original as decoded (not after the spec's eval ops), --versions 3 shows three "
                + "epochs' draws of each, --cell 128 draws them larger.",
            "Text (a spec with type: text): print each text beside its variants with the changed words marked; "
                + "--source is a .jsonl or .csv file or the SpamAssassin directory."})
public final class PreviewCommand implements Callable<Integer> {
    private static final int MAX_WIDTH = 1200;
    private static final int GAP = 4;
    private static final int MARGIN = 14;
    private static final int HEADING = 14;
    private static final int LINE = 12;
    private static final int PAIRS_PER_ROW = 4;
    private static final int FONT = Imgproc.FONT_HERSHEY_SIMPLEX;
    private static final double FONT_SCALE = 0.33;
    private static final Scalar INK = new Scalar(20, 20, 20);
    private static final Scalar GRAY = new Scalar(110, 110, 110);

    @Option(names = "--spec", defaultValue = "fashion-mnist", paramLabel = "FILE|NAME",
            description = "Pipeline spec: a YAML file or a bundled spec (default: ${DEFAULT-VALUE}).")
    String spec;

    @Option(names = "--source", defaultValue = "fashion-mnist", paramLabel = "fashion-mnist|DIR",
            description = "Images: Fashion-MNIST's training set, or a directory (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--n", defaultValue = "32", description = "How many samples (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
            description = "Seed of the sample, drawn across the classes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epoch", defaultValue = "0", description = "Epoch whose draws to show (default: ${DEFAULT-VALUE}).")
    int epoch;

    @Option(names = "--repeat", defaultValue = "0", description = "Repeat whose draws to show (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--out", defaultValue = "preview.png", description = "Output PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--versions", defaultValue = "1", paramLabel = "N",
            description = "Augmented versions of each sample: the draws of epochs E, E+1, … (default: ${DEFAULT-VALUE}).")
    int versions;

    @Option(names = "--whole", description = "Show each original whole, as decoded, instead of after the spec's eval ops.")
    boolean whole;

    @Option(names = "--cell", defaultValue = "112", paramLabel = "PX",
            description = "Side of each picture's square in pixels (default: ${DEFAULT-VALUE}).")
    int cell;

    @Option(names = "--words", defaultValue = "40", description = "Text: show the first N words of each text (default: ${DEFAULT-VALUE}).")
    int words;

    @Override
    public Integer call() {
        if (count < 1 || count > 1024) {
            throw new UsageException("--n must be in 1..1024, got " + count);
        }
        if (versions < 1 || versions > 8) {
            throw new UsageException("--versions must be in 1..8, got " + versions);
        }
        if (cell < 32 || cell > 512) {
            throw new UsageException("--cell must be in 32..512 pixels, got " + cell);
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
        SampleSource.Loaded loaded = SampleSource.sample(source, count, seed);
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
                    pipelineSpec.normalization(), pipelineSpec.dtype(), pipelineSpec.identity(), pipelineSpec.decode());
        }
        Normalization norm = pipelineSpec.normalization() != null ? pipelineSpec.normalization()
                : new Normalization(new float[pipelineSpec.channels()], ones(pipelineSpec.channels()), 0);
        List<String> names = loaded.classes();
        double smoothing = pipelineSpec.mixing().labelSmoothing();
        OpenCv.load();
        List<Panel> panels = new ArrayList<>();
        try (ImagePipeline pipeline = new ImagePipeline(pipelineSpec, norm, classes);
                ImagePipeline originals = new ImagePipeline(identity(pipelineSpec, whole), norm, classes)) {
            List<List<AugmentedImage>> augmented = new ArrayList<>(); // per sample, one per version
            List<AugmentedImage> plain = new ArrayList<>();
            for (SampleSource.Sample s : loaded.samples()) {
                Label label = s.label() >= 0 ? Label.of(s.label()) : Label.none();
                try {
                    List<AugmentedImage> drawn = new ArrayList<>();
                    for (int v = 0; v < versions; v++) {
                        drawn.add(pipeline.augment(s.id(), Split.TRAIN, epoch + v, repeat, s.encoded(), label));
                    }
                    plain.add(originals.augment(s.id(), Split.VAL, 0, 0, s.encoded(), label));
                    augmented.add(drawn);
                } catch (IllegalArgumentException e) {
                    System.err.println("skipped " + s.id() + ": " + e.getMessage());
                }
            }
            for (int i = 0; i < augmented.size(); i++) {
                List<Version> shown = new ArrayList<>();
                for (int v = 0; v < versions; v++) {
                    AugmentedImage image = mix ? pipeline.mix(augmented.get(i).get(v), augmented.get((i + 1) % augmented.size()).get(v))
                            : augmented.get(i).get(v);
                    String ops = image.trace().stream().map(t -> t.op()).reduce((a, b) -> a + ", " + b).orElse("no op applied");
                    shown.add(new Version(image, describe(image.label(), names, smoothing), ops));
                }
                panels.add(new Panel(plain.get(i), describe(plain.get(i).label(), names, 0), shown));
            }
        }
        if (panels.isEmpty()) {
            throw new UsageException("none of the " + loaded.samples().size() + " images in " + source + " could be used");
        }
        Mat grid = render(panels, cell);
        try {
            if (!Imgcodecs.imwrite(out.toString(), grid)) {
                throw new UsageException("could not write " + out);
            }
        } finally {
            grid.release();
        }
        System.out.println("wrote " + out + " (" + panels.size() + " originals beside their augmented versions)");
        return 0;
    }

    /** One sample: its original (eval ops only, or whole) and its augmented versions, with captions. */
    private record Panel(AugmentedImage original, String originalLabel, List<Version> versions) {
    }

    /** One augmented version of a sample: the image, its label as it reads and the ops applied. */
    private record Version(AugmentedImage image, String label, String ops) {
    }

    /**
     * The grid, sized to its panels: up to {@value #PAIRS_PER_ROW} panels a row (fewer when wider
     * than {@value #MAX_WIDTH} pixels), as many rows as needed. A panel is the original beside its
     * augmented versions, each in a {@code cell}-pixel square (the original in a 4:3 box when a
     * whole photo is landscape), drawn whole; under it the labels and the ops applied, wrapped to
     * the panel's width (never cut); each row as tall as its longest caption.
     */
    static Mat render(List<Panel> panels, int cell) {
        int versions = panels.get(0).versions().size();
        int originalWidth = cell;
        for (Panel panel : panels) { // a landscape original gets up to a 4:3 box, so it is not drawn smaller than its versions
            double aspect = (double) panel.original().width() / panel.original().height();
            originalWidth = Math.max(originalWidth, (int) Math.min(Math.round(cell * aspect), Math.round(cell * 4 / 3.0)));
        }
        int panelWidth = originalWidth + versions * (cell + GAP);
        int columns = Math.max(1, Math.min(Math.min(PAIRS_PER_ROW, panels.size()), (MAX_WIDTH + MARGIN) / (panelWidth + MARGIN)));
        int rows = (panels.size() + columns - 1) / columns;
        List<List<String>> captions = new ArrayList<>();
        int[] rowHeights = new int[rows];
        for (int i = 0; i < panels.size(); i++) {
            List<String> lines = captionLines(panels.get(i), panelWidth - 4);
            captions.add(lines);
            rowHeights[i / columns] = Math.max(rowHeights[i / columns], cell + HEADING + lines.size() * LINE + 6);
        }
        int height = java.util.Arrays.stream(rowHeights).sum();
        Mat grid = new Mat(height, columns * (panelWidth + MARGIN) - MARGIN, CvType.CV_8UC3, Scalar.all(255));
        int y = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns && r * columns + c < panels.size(); c++) {
                int i = r * columns + c;
                int x = c * (panelWidth + MARGIN);
                Panel panel = panels.get(i);
                caption(grid, "original", x + 2, y + HEADING - 5, GRAY);
                draw(grid, panel.original(), x, y + HEADING, originalWidth, cell);
                for (int v = 0; v < versions; v++) {
                    int vx = x + originalWidth + GAP + v * (cell + GAP);
                    caption(grid, versions == 1 ? "augmented" : "epoch " + panel.versions().get(v).image().epoch(), vx + 2, y + HEADING - 5, GRAY);
                    draw(grid, panel.versions().get(v).image(), vx, y + HEADING, cell, cell);
                }
                int lineY = y + HEADING + cell + LINE;
                for (String line : captions.get(i)) {
                    caption(grid, line, x + 2, lineY, INK);
                    lineY += LINE;
                }
            }
            y += rowHeights[r];
        }
        return grid;
    }

    /**
     * A panel's caption: the original's label; the augmented label once when the versions share
     * it; the ops applied to each version (with its label when they differ).
     */
    private static List<String> captionLines(Panel panel, int width) {
        List<String> lines = new ArrayList<>(wrap("original: " + panel.originalLabel(), width));
        List<Version> versions = panel.versions();
        boolean oneLabel = versions.stream().map(Version::label).distinct().count() == 1;
        if (oneLabel) {
            lines.addAll(wrap("augmented: " + versions.get(0).label(), width));
        }
        for (int v = 0; v < versions.size(); v++) {
            String name = versions.size() == 1 ? "ops" : "epoch " + versions.get(v).image().epoch();
            lines.addAll(wrap(name + ": " + (oneLabel ? "" : versions.get(v).label() + "; ") + versions.get(v).ops(), width));
        }
        return lines;
    }

    /** {@code text} broken at spaces into lines no wider than {@code width} pixels (a word wider than that is broken too). */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (textWidth(candidate) <= width) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            String rest = word;
            while (textWidth(rest) > width && rest.length() > 1) {
                int cut = rest.length() - 1;
                while (cut > 1 && textWidth(rest.substring(0, cut)) > width) {
                    cut--;
                }
                lines.add(rest.substring(0, cut));
                rest = rest.substring(cut);
            }
            line.append(rest);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    static int textWidth(String text) {
        return (int) Imgproc.getTextSize(text, FONT, FONT_SCALE, 1, new int[1]).width;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /**
     * The same spec with nothing but its eval ops, to show originals at the size the model sees;
     * with {@code whole}, without those either: the image as decoded.
     */
    private static PipelineSpec identity(PipelineSpec spec, boolean whole) {
        return new PipelineSpec(spec.seed(), spec.channels(), 1, List.of(), whole ? List.of() : spec.evalOps(),
                io.streamaug.augment.image.mix.Mixing.NONE, spec.normalization(), spec.dtype(), spec.identity(), spec.decode());
    }

    /** Draws {@code image} whole, as large as fits a {@code boxWidth}×{@code boxHeight} box at (x, y), centred across it. */
    private static void draw(Mat grid, AugmentedImage image, int x, int y, int boxWidth, int boxHeight) {
        Mat mat = new Mat(image.height(), image.width(), CvType.CV_8UC(image.channels()));
        Mat bgr = new Mat();
        Mat scaled = new Mat();
        try {
            mat.put(0, 0, image.hwc());
            Imgproc.cvtColor(mat, bgr, image.channels() == 1 ? Imgproc.COLOR_GRAY2BGR : Imgproc.COLOR_RGB2BGR);
            double factor = Math.min((double) boxWidth / image.width(), (double) boxHeight / image.height());
            int w = Math.max(1, (int) (image.width() * factor));
            int h = Math.max(1, (int) (image.height() * factor));
            Imgproc.resize(bgr, scaled, new Size(w, h), 0, 0, factor >= 1 ? Imgproc.INTER_NEAREST : Imgproc.INTER_AREA);
            Mat cell = grid.submat(new Rect(x + (boxWidth - w) / 2, y, w, h));
            scaled.copyTo(cell);
            cell.release();
        } finally {
            mat.release();
            bgr.release();
            scaled.release();
        }
    }

    /**
     * A label as it reads: a class name; a soft label as its classes by weight, with the mass label
     * smoothing spread over the other classes as one term — {@code 0.91 Sandal + 0.09 (smoothing)},
     * {@code 0.56 Sandal + 0.35 Sneaker + 0.09 (smoothing)} — so that smoothing never reads as a
     * second class. The weights add up to 1.
     *
     * @param smoothing the spec's label smoothing ε: each class holds at least ε / K from it
     */
    static String describe(Label label, List<String> names, double smoothing) {
        if (label instanceof Label.Hard hard) {
            return name(hard.index(), names);
        }
        if (label instanceof Label.Soft soft) {
            float[] w = soft.weights();
            double floor = smoothing / w.length;
            List<Integer> present = new ArrayList<>();
            double rest = 0;
            for (int i = 0; i < w.length; i++) {
                if (w[i] > floor + 1e-4) {
                    present.add(i);
                } else {
                    rest += w[i];
                }
            }
            present.sort((a, b) -> Float.compare(w[b], w[a]));
            List<String> terms = new ArrayList<>();
            for (int i : present) {
                terms.add(String.format(Locale.ROOT, "%.2f %s", w[i], name(i, names)));
            }
            if (rest > 0.005) {
                terms.add(String.format(Locale.ROOT, "%.2f (smoothing)", rest));
            }
            return String.join(" + ", terms);
        }
        return "(no label)";
    }

    private static String name(int index, List<String> names) {
        return index < names.size() ? names.get(index) : Integer.toString(index);
    }

    private static void caption(Mat grid, String text, int x, int y, Scalar colour) {
        Imgproc.putText(grid, text, new Point(x, y), FONT, FONT_SCALE, colour, 1, Imgproc.LINE_AA);
    }
}
