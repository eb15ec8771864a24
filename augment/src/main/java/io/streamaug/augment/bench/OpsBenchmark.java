package io.streamaug.augment.bench;

import java.util.Arrays;
import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.IdxImages;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.Workspace;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Single-thread throughput of every op and of the reference pipeline (crop with padding 4 + flip
 * + rotate ±15° + Gaussian noise + normalise to float32), on 28×28 grayscale and 224×224 RGB,
 * beside a raw OpenCV loop doing the same work in the same run.
 */
public final class OpsBenchmark {
    /** The reference pipeline, as a spec; {@code %d} is the size, {@code %s} channels and statistics. */
    static final String PIPELINE = "{seed: 1, channels: %d, ops: [{op: RandomCrop, size: %d, padding: 4},"
            + " {op: HorizontalFlip, p: 0.5}, {op: Rotate, angle_range: 15}, {op: GaussianNoise, sigma_range: [0.05, 0.05]}],"
            + " normalize: {mean: %s, std: %s}, output: {dtype: %s}}";

    private final int rounds;
    private final long roundMillis;

    OpsBenchmark(int rounds, long roundMillis) {
        OpenCv.load();
        this.rounds = rounds;
        this.roundMillis = roundMillis;
    }

    /** All results, keyed as in {@code --json}. */
    Map<String, Object> run(Consumer<String> progress) {
        Map<String, Object> results = new LinkedHashMap<>();
        Mat gray = fashionImage();
        Mat rgb = photoLikeRgb(224);
        try {
            for (int size : new int[] {28, 224}) {
                Mat image = size == 28 ? gray : rgb;
                progress.accept("pipelines and raw OpenCV loop " + size + "×" + size + " (interleaved rounds)");
                try (ImagePipeline float32 = pipeline(image, "float32"); ImagePipeline uint8 = pipeline(image, "uint8");
                        RawLoop raw = new RawLoop(image)) {
                    Map<String, Runnable> bodies = new LinkedHashMap<>();
                    bodies.put("pipeline_" + size + "_img_per_s", body(float32, image));
                    bodies.put("pipeline_" + size + "_uint8_img_per_s", body(uint8, image));
                    bodies.put("raw_opencv_" + size + "_img_per_s", raw);
                    results.putAll(Rate.interleaved(bodies, rounds, roundMillis));
                }
                Map<String, Double> ops = new LinkedHashMap<>();
                for (var entry : opConfigs(size, image.channels()).entrySet()) {
                    progress.accept("op " + entry.getKey() + " " + size + "×" + size);
                    ops.put(entry.getKey(), op(entry.getValue(), image));
                }
                results.put("ops_" + size + "_img_per_s", ops);
            }
        } finally {
            gray.release();
            rgb.release();
        }
        return results;
    }

    private static ImagePipeline pipeline(Mat image, String dtype) {
        Normalization norm = image.channels() == 3 ? Normalization.IMAGENET : Normalization.FASHION_MNIST;
        String yaml = String.format(PIPELINE, image.channels(), image.rows(),
                Arrays.toString(norm.mean()), Arrays.toString(norm.std()), dtype);
        PipelineSpec spec = new SpecLoader(List.of()).parse(yaml, "bench");
        return new ImagePipeline(spec, spec.normalization(), 0);
    }

    private static Runnable body(ImagePipeline pipeline, Mat image) {
        int[] counter = {0};
        Label label = Label.of(0);
        return () -> pipeline.prepare("s" + (counter[0]++ & 1023), "bench", Split.TRAIN, 0, 0, image, label);
    }

    /** Per-channel values on the 0..1 scale as a Scalar on the 0..255 scale. */
    private static Scalar scaled(float[] values) {
        double[] out = new double[values.length];
        for (int c = 0; c < values.length; c++) {
            out[c] = values[c] * 255.0;
        }
        return new Scalar(out);
    }

    /** The same steps written directly against OpenCV: no op objects, no trace, no wire tensor. */
    private static final class RawLoop implements Runnable, AutoCloseable {
        private final Mat image;
        private final int size;
        private final Mat padded = new Mat();
        private final Mat crop = new Mat();
        private final Mat rotated = new Mat();
        private final Mat matrix = new Mat(2, 3, CvType.CV_64F);
        private final Mat noise;
        private final Mat noisy = new Mat();
        private final Mat normalised = new Mat();
        private final Mat noMask = new Mat();
        private final Scalar mean;
        private final Scalar std;
        private final float[] out;
        private final SplittableRandom random = new SplittableRandom(1);

        RawLoop(Mat image) {
            this.image = image;
            this.size = image.rows();
            int channels = image.channels();
            noise = new Mat(size, size, CvType.CV_32FC(channels));
            Normalization norm = channels == 3 ? Normalization.IMAGENET : Normalization.FASHION_MNIST;
            mean = scaled(norm.mean());
            std = scaled(norm.std());
            out = new float[size * size * channels];
        }

        @Override
        public void run() {
            Core.copyMakeBorder(image, padded, 4, 4, 4, 4, Core.BORDER_CONSTANT, Scalar.all(0));
            Mat window = padded.submat(new Rect(random.nextInt(9), random.nextInt(9), size, size));
            window.copyTo(crop);
            window.release();
            if (random.nextBoolean()) {
                Core.flip(crop, crop, 1);
            }
            double radians = Math.toRadians(-15 + 30 * random.nextDouble());
            double a = Math.cos(radians);
            double b = Math.sin(radians);
            double c = (size - 1) / 2.0;
            matrix.put(0, 0, a, b, (1 - a) * c - b * c, -b, a, b * c + (1 - a) * c);
            Imgproc.warpAffine(crop, rotated, matrix, new Size(size, size), Imgproc.INTER_LINEAR, Core.BORDER_CONSTANT,
                    Scalar.all(0));
            Core.setRNGSeed(random.nextInt());
            Core.randn(noise, 0, 0.05 * 255);
            Core.add(rotated, noise, noisy, noMask, CvType.CV_8U);
            noisy.convertTo(normalised, CvType.CV_32F);
            Core.subtract(normalised, mean, normalised);
            Core.divide(normalised, std, normalised);
            normalised.get(0, 0, out);
        }

        @Override
        public void close() {
            for (Mat m : List.of(padded, crop, rotated, matrix, noise, noisy, normalised, noMask)) {
                m.release();
            }
        }
    }

    private double op(ImageOp<?> op, Mat image) {
        Mat dst = new Mat();
        SplittableRandom random = new SplittableRandom(7);
        try (Workspace workspace = new Workspace()) {
            return Rate.median(() -> op.applyRandom(image, dst, random, workspace), rounds, roundMillis);
        } finally {
            dst.release();
        }
    }

    /** Each registered op, configured for images of the given size. */
    static Map<String, ImageOp<?>> opConfigs(int size, int channels) {
        List<String> configs = new ArrayList<>(List.of(
                "{op: HorizontalFlip, p: 1}", "{op: VerticalFlip, p: 1}", "{op: Rotate, angle_range: 15}",
                "{op: Translate, x_range: 0.1, y_range: 0.1}", "{op: Scale, zoom_range: [0.9, 1.1]}",
                "{op: RandomCrop, size: " + size + ", padding: 4}", "{op: RandomResizedCrop, size: " + size + "}",
                "{op: Resize, size: " + (size + size / 7) + "}", "{op: CenterCrop, size: " + (size - size / 7) + "}",
                "{op: GaussianNoise, sigma_range: [0.05, 0.05]}", "{op: RandomErasing, p: 1}",
                channels == 3 ? "{op: ColorJitter, brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1}"
                        : "{op: ColorJitter, brightness: 0.4, contrast: 0.4}",
                "{op: AutoContrast}", "{op: Equalize}", "{op: Invert}", "{op: Posterize}", "{op: Solarize}",
                "{op: Brightness}", "{op: Contrast}", "{op: Color}", "{op: Sharpness}", "{op: ShearX}", "{op: ShearY}",
                "{op: TranslateX, pixels_range: " + (size / 7) + "}", "{op: TranslateY, pixels_range: " + (size / 7) + "}",
                "{op: GaussianBlur, kernel_size: 5}", "{op: Grayscale}", "{op: Perspective, p: 1}",
                "{op: JpegQuality, quality_range: [30, 90]}", "{op: ChannelShuffle}",
                "{op: RandAugment, num_ops: 2, magnitude: 9, num_magnitude_bins: 11, magnitude_std: 0.5}",
                "{op: TrivialAugmentWide}", "{op: AutoAugment}", "{op: AugMix}"));
        PipelineSpec spec = new SpecLoader(List.of()).parse("{channels: " + channels + ", ops: [" + String.join(", ", configs) + "]}", "bench");
        Map<String, ImageOp<?>> ops = new LinkedHashMap<>();
        for (Step step : spec.ops()) {
            ImageOp<?> op = ((Step.Op) step).op();
            ops.put(op.name(), op);
        }
        return ops;
    }

    private static Mat fashionImage() {
        IdxImages test = FashionMnist.load(null, true, 1).test();
        Mat mat = new Mat(28, 28, CvType.CV_8UC1);
        byte[] pixels = new byte[784];
        test.copyImage(0, pixels);
        mat.put(0, 0, pixels);
        return mat;
    }

    /** A smooth colour image with texture, so that no op meets a degenerate input. */
    private static Mat photoLikeRgb(int size) {
        Mat mat = new Mat(size, size, CvType.CV_8UC3);
        byte[] pixels = new byte[size * size * 3];
        SplittableRandom random = new SplittableRandom(3);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = (y * size + x) * 3;
                pixels[i] = (byte) (x + random.nextInt(16));
                pixels[i + 1] = (byte) (y + random.nextInt(16));
                pixels[i + 2] = (byte) ((x * y / size) + random.nextInt(16));
            }
        }
        mat.put(0, 0, pixels);
        return mat;
    }
}
