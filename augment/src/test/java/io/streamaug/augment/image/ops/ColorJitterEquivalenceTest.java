package io.streamaug.augment.image.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.TestImages;
import io.streamaug.augment.image.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * ColorJitter against its straightforward implementation, one OpenCV call per step of torchvision's
 * recipe (each op rounded and clamped to 8 bits before the next, in the drawn order), kept here as the
 * reference: the same bytes for drawn parameters over many seeds, for every order with extreme
 * factors and hue shifts on both sides of where the hue turns by arithmetic instead of a table, on
 * crops of a photograph, on noise of an odd size (every hue) and on gray images.
 */
class ColorJitterEquivalenceTest {
    static {
        OpenCv.load();
    }

    private final Workspace workspace = new Workspace();
    private final List<Mat> mats = new ArrayList<>();

    @AfterEach
    void release() {
        workspace.close();
        mats.forEach(Mat::release);
    }

    private Mat track(Mat mat) {
        mats.add(mat);
        return mat;
    }

    @Test
    void drawnParametersGiveTheReferencesBytesOnPhotoCropsAndNoise() {
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.4, 0.1, 1);
        List<Mat> images = new ArrayList<>(photoCrops(6));
        images.add(noise(37, 29, 3, 1));
        images.add(noise(224, 224, 3, 2));
        int seeds = 0;
        for (Mat image : images) {
            for (int seed = 0; seed < 60; seed++, seeds++) {
                ColorJitter.Params params = jitter.sample(new SplittableRandom(seed), image.rows(), image.cols(), 3);
                assertSame(jitter, image, params);
            }
        }
        assertThat(seeds).isEqualTo(480);
    }

    @Test
    void everyOrderWithExtremeFactorsGivesTheReferencesBytes() {
        ColorJitter jitter = new ColorJitter(1, 1, 1, 0.5, 1);
        Mat photo = photoCrops(1).get(0);
        Mat noise = noise(31, 17, 3, 3);
        double[][] factors = {{0, 2, 0, 0.5}, {2, 0, 2, -0.5}, {1.37, 0.61, 1.9, 0.2}, {0.5, 1.5, 0.25, -0.02},
            {1, 1, 1, 0.003}, {1.2, 1, 1, 0}, {0.9, 1.1, 1.2, 76 / 180.0}, {1.1, 0.9, 0.8, -76 / 180.0},
            {1, 1, 1, 77 / 180.0}, {1, 1, 1, -77 / 180.0}};
        for (List<Integer> order : permutations(List.of(0, 1, 2, 3))) {
            for (double[] f : factors) {
                ColorJitter.Params params = new ColorJitter.Params(f[0], f[1], f[2], f[3], order);
                assertSame(jitter, photo, params);
                assertSame(jitter, noise, params);
            }
        }
    }

    @Test
    void grayImagesTakeBrightnessAndContrastAsTheReferenceDoes() {
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0, 0, 1);
        Mat gray = track(new Mat());
        Imgproc.cvtColor(photoCrops(1).get(0), gray, Imgproc.COLOR_RGB2GRAY);
        for (int seed = 0; seed < 100; seed++) {
            assertSame(jitter, gray, jitter.sample(new SplittableRandom(seed), gray.rows(), gray.cols(), 1));
            assertSame(jitter, noise(13, 11, 1, seed), jitter.sample(new SplittableRandom(seed), 13, 11, 1));
        }
    }

    private void assertSame(ColorJitter jitter, Mat image, ColorJitter.Params params) {
        byte[] before = bytes(image);
        Mat actual = track(new Mat());
        jitter.apply(image, actual, params, workspace);
        assertThat(bytes(actual)).as("%s on %dx%dx%d", params, image.rows(), image.cols(), image.channels())
                .isEqualTo(bytes(reference(image, params)));
        assertThat(bytes(image)).as("the input is not changed").isEqualTo(before);
    }

    /** The straightforward implementation: one OpenCV call per step, each into a fresh image. */
    private Mat reference(Mat src, ColorJitter.Params params) {
        boolean colour = src.channels() == 3;
        Mat in = src;
        for (int step : params.order()) {
            Mat out = track(new Mat());
            switch (step) {
                case 0 -> {
                    if (params.brightness() == 1) {
                        continue;
                    }
                    in.convertTo(out, -1, params.brightness(), 0);
                }
                case 1 -> {
                    if (params.contrast() == 1) {
                        continue;
                    }
                    double mean = Core.mean(colour ? gray(in) : in).val[0];
                    in.convertTo(out, -1, params.contrast(), mean * (1 - params.contrast()));
                }
                case 2 -> {
                    if (params.saturation() == 1 || !colour) {
                        continue;
                    }
                    Mat gray3 = track(new Mat());
                    Imgproc.cvtColor(gray(in), gray3, Imgproc.COLOR_GRAY2RGB);
                    Core.addWeighted(in, params.saturation(), gray3, 1 - params.saturation(), 0, out);
                }
                default -> {
                    if (params.hue() == 0 || !colour) {
                        continue;
                    }
                    Mat hsv = track(new Mat());
                    Imgproc.cvtColor(in, hsv, Imgproc.COLOR_RGB2HSV);
                    int shift = (int) Math.round(params.hue() * 180);
                    byte[] pixels = bytes(hsv);
                    for (int i = 0; i < pixels.length; i += 3) {
                        pixels[i] = (byte) Math.floorMod((pixels[i] & 0xff) + shift, 180);
                    }
                    hsv.put(0, 0, pixels);
                    Imgproc.cvtColor(hsv, out, Imgproc.COLOR_HSV2RGB);
                }
            }
            in = out;
        }
        return in;
    }

    private Mat gray(Mat rgb) {
        Mat gray = track(new Mat());
        Imgproc.cvtColor(rgb, gray, Imgproc.COLOR_RGB2GRAY);
        return gray;
    }

    /** 224×224 RGB crops of a photograph, resized from boxes of several sizes and places as RandomResizedCrop does. */
    private List<Mat> photoCrops(int count) {
        MatOfByte encoded = new MatOfByte(TestImages.resource("/fixtures/decode/chelsea.jpg"));
        Mat bgr = track(Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_COLOR));
        encoded.release();
        Mat rgb = track(new Mat());
        Imgproc.cvtColor(bgr, rgb, Imgproc.COLOR_BGR2RGB);
        Random random = new Random(7);
        List<Mat> crops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int h = 60 + random.nextInt(rgb.rows() - 60);
            int w = 60 + random.nextInt(rgb.cols() - 60);
            Mat box = rgb.submat(new Rect(random.nextInt(rgb.cols() - w + 1), random.nextInt(rgb.rows() - h + 1), w, h));
            Mat crop = track(new Mat());
            Imgproc.resize(box, crop, new Size(224, 224), 0, 0, Imgproc.INTER_LINEAR);
            box.release();
            crops.add(crop);
        }
        return crops;
    }

    private Mat noise(int rows, int cols, int channels, long seed) {
        byte[] pixels = new byte[rows * cols * channels];
        new Random(seed).nextBytes(pixels);
        Mat mat = track(new Mat(rows, cols, CvType.CV_8UC(channels)));
        mat.put(0, 0, pixels);
        return mat;
    }

    private static byte[] bytes(Mat mat) {
        byte[] out = new byte[(int) mat.total() * mat.channels()];
        mat.get(0, 0, out);
        return out;
    }

    private static List<List<Integer>> permutations(List<Integer> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<Integer>> out = new ArrayList<>();
        for (Integer first : items) {
            List<Integer> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<Integer> tail : permutations(rest)) {
                List<Integer> order = new ArrayList<>(List.of(first));
                order.addAll(tail);
                out.add(order);
            }
        }
        return out;
    }
}
