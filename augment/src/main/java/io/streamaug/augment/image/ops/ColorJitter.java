package io.streamaug.augment.image.ops;

import static io.streamaug.core.Decimals.round4;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * torchvision's ColorJitter on 8-bit RGB or grayscale: brightness, contrast and saturation factors
 * drawn from [max(0, 1 − x), 1 + x], a hue shift from [−h, h] turns, applied in a random order.
 * Saturation and hue need colour: on a one-channel image they are refused when the spec is loaded.
 */
public final class ColorJitter extends ImageOp<ColorJitter.Params> {
    /** The drawn factors (1 = unchanged), hue shift in turns, and the order (0 b, 1 c, 2 s, 3 h). */
    public record Params(double brightness, double contrast, double saturation, double hue, List<Integer> order) {
    }

    /** The largest |hue shift| (of 0..179) {@link #turn} takes: 179 + 76 still fits in a byte. */
    private static final int MAX_ARITHMETIC_SHIFT = 76;

    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;

    public ColorJitter(double brightness, double contrast, double saturation, double hue, double p) {
        super(p);
        for (var entry : Map.of("brightness", brightness, "contrast", contrast, "saturation", saturation).entrySet()) {
            if (!(entry.getValue() >= 0 && entry.getValue() <= 10)) {
                throw new IllegalArgumentException(entry.getKey() + " must be in [0, 10], got " + entry.getValue());
            }
        }
        if (!(hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("hue must be in [0, 0.5], got " + hue);
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    /** True when the op changes saturation or hue, which a grayscale pipeline cannot. */
    public boolean needsColour() {
        return saturation > 0 || hue > 0;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        Integer[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Params(factor(random, brightness), factor(random, contrast), factor(random, saturation),
                hue == 0 ? 0 : -hue + 2 * hue * random.nextDouble(), List.of(order));
    }

    private static double factor(RandomGenerator random, double x) {
        return x == 0 ? 1 : Math.max(0, 1 - x) + (1 + x - Math.max(0, 1 - x)) * random.nextDouble();
    }

    /** Each step reads the previous one's output; the first step that changes the image reads {@code src}. */
    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        boolean colour = src.channels() == 3;
        Mat in = src;
        for (int step : params.order()) {
            switch (step) {
                case 0 -> {
                    if (params.brightness() != 1) {
                        in.convertTo(dst, -1, params.brightness(), 0);
                        in = dst;
                    }
                }
                case 1 -> {
                    if (params.contrast() != 1) {
                        double mean = grayMean(in, workspace);
                        in.convertTo(dst, -1, params.contrast(), mean * (1 - params.contrast()));
                        in = dst;
                    }
                }
                case 2 -> {
                    if (params.saturation() != 1 && colour) {
                        Mat gray = workspace.mat(this, 0);
                        Mat gray3 = workspace.mat(this, 1);
                        Imgproc.cvtColor(in, gray, Imgproc.COLOR_RGB2GRAY);
                        Imgproc.cvtColor(gray, gray3, Imgproc.COLOR_GRAY2RGB);
                        Core.addWeighted(in, params.saturation(), gray3, 1 - params.saturation(), 0, dst);
                        in = dst;
                    }
                }
                default -> {
                    if (params.hue() != 0 && colour) {
                        shiftHue(in, dst, params.hue(), workspace);
                        in = dst;
                    }
                }
            }
        }
        if (in == src) {
            src.copyTo(dst);
        }
    }

    private double grayMean(Mat image, Workspace workspace) {
        if (image.channels() == 1) {
            return Core.mean(image).val[0];
        }
        Mat gray = workspace.mat(this, 0);
        Imgproc.cvtColor(image, gray, Imgproc.COLOR_RGB2GRAY);
        return Core.mean(gray).val[0];
    }

    /**
     * Turns the hue plane alone (a one-channel pass is several times faster than a three-channel
     * one), modulo 180: 8-bit hue is 0..179.
     */
    private void shiftHue(Mat src, Mat dst, double turns, Workspace workspace) {
        Mat hsv = workspace.mat(this, 2);
        Mat hue = workspace.mat(this, 4);
        Imgproc.cvtColor(src, hsv, Imgproc.COLOR_RGB2HSV);
        int shift = (int) Math.round(turns * 180);
        Core.extractChannel(hsv, hue, 0);
        if (Math.abs(shift) <= MAX_ARITHMETIC_SHIFT) {
            turn(hue, shift, workspace.mat(this, 3));
        } else {
            byte[] table = workspace.bytes(this, 256);
            for (int i = 0; i < 256; i++) {
                table[i] = (byte) (i < 180 ? Math.floorMod(i + shift, 180) : i);
            }
            Mat lut = workspace.mat(this, 3);
            lut.create(1, 256, CvType.CV_8UC1);
            lut.put(0, 0, table);
            Core.LUT(hue, lut, hue);
        }
        Core.insertChannel(hue, hsv, 0);
        Imgproc.cvtColor(hsv, dst, Imgproc.COLOR_HSV2RGB);
    }

    /**
     * Adds {@code shift} to every hue modulo 180, in three vectorised passes (a threshold marks the
     * hues that wrap around, then an addition and a subtraction, none of which saturates): the values
     * a 256-entry table lookup gives, at about half its cost, as the lookup reads a byte at a time.
     */
    private static void turn(Mat hue, int shift, Mat wrap) {
        if (shift > 0) {
            Imgproc.threshold(hue, wrap, 179 - shift, 180, Imgproc.THRESH_BINARY); // 180 where hue + shift ≥ 180
            Core.add(hue, new Scalar(shift), hue);
            Core.subtract(hue, wrap, hue);
        } else if (shift < 0) {
            Imgproc.threshold(hue, wrap, -shift - 1, 180, Imgproc.THRESH_BINARY_INV); // 180 where hue + shift < 0
            Core.add(hue, wrap, hue);
            Core.subtract(hue, new Scalar(-shift), hue);
        }
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("brightness", round4(params.brightness()), "contrast", round4(params.contrast()),
                "saturation", round4(params.saturation()), "hue", round4(params.hue()), "order", params.order());
    }
}
