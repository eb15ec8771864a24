package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint2f;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * torchvision's RandomPerspective: each corner of the image moves inwards by whole pixels drawn
 * uniformly up to {@code distortionScale} × half the side, and the image is warped so that the
 * corners land there; size kept, uncovered pixels get {@code fill}.
 */
public final class Perspective extends ImageOp<Perspective.Params> {
    /** Where the corners go: x, y of top-left, top-right, bottom-right, bottom-left. */
    public record Params(List<Integer> corners) {
    }

    private final double distortionScale;
    private final Interpolation interpolation;
    private final double fill;

    public Perspective(double distortionScale, Interpolation interpolation, double fill, double p) {
        super(p);
        if (!(distortionScale >= 0 && distortionScale <= 1)) {
            throw new IllegalArgumentException("distortion_scale must be in [0, 1], got " + distortionScale);
        }
        if (!(fill >= 0 && fill <= 255)) {
            throw new IllegalArgumentException("fill must be in [0, 255], got " + fill);
        }
        this.distortionScale = distortionScale;
        this.interpolation = interpolation;
        this.fill = fill;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        int dx = (int) (distortionScale * (width / 2));
        int dy = (int) (distortionScale * (height / 2));
        return new Params(List.of(random.nextInt(dx + 1), random.nextInt(dy + 1),
                width - 1 - random.nextInt(dx + 1), random.nextInt(dy + 1),
                width - 1 - random.nextInt(dx + 1), height - 1 - random.nextInt(dy + 1),
                random.nextInt(dx + 1), height - 1 - random.nextInt(dy + 1)));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        int w = src.cols();
        int h = src.rows();
        List<Integer> c = params.corners();
        MatOfPoint2f start = new MatOfPoint2f(new Point(0, 0), new Point(w - 1, 0), new Point(w - 1, h - 1), new Point(0, h - 1));
        MatOfPoint2f end = new MatOfPoint2f(new Point(c.get(0), c.get(1)), new Point(c.get(2), c.get(3)),
                new Point(c.get(4), c.get(5)), new Point(c.get(6), c.get(7)));
        Mat toInput = Imgproc.getPerspectiveTransform(end, start);
        try {
            // torchvision samples with pixel centres at +½: in pixel-index coordinates the map is T(−½)·H·T(+½).
            double[] m = new double[9];
            toInput.get(0, 0, m);
            Mat matrix = workspace.mat(this, 0);
            matrix.create(3, 3, CvType.CV_64F);
            double g = m[6];
            double k = m[7];
            double bottom = 0.5 * g + 0.5 * k + m[8];
            matrix.put(0, 0,
                    m[0] - 0.5 * g, m[1] - 0.5 * k, 0.5 * m[0] + 0.5 * m[1] + m[2] - 0.5 * bottom,
                    m[3] - 0.5 * g, m[4] - 0.5 * k, 0.5 * m[3] + 0.5 * m[4] + m[5] - 0.5 * bottom,
                    g, k, bottom);
            Imgproc.warpPerspective(src, dst, matrix, new Size(w, h), interpolation.flag() | Imgproc.WARP_INVERSE_MAP,
                    Core.BORDER_CONSTANT, new Scalar(fill, fill, fill));
        } finally {
            start.release();
            end.release();
            toInput.release();
        }
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("corners", params.corners());
    }
}
