package io.streamaug.augment.image.ops;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Affine matrices written into reusable Mats (OpenCV's getRotationMatrix2D allocates a new one per call). */
final class Affine {
    private Affine() {
    }

    /** The matrix of OpenCV's getRotationMatrix2D: counter-clockwise degrees about (cx, cy), then scale. */
    static Mat rotation(Mat matrix, double cx, double cy, double degrees, double scale) {
        double radians = Math.toRadians(degrees);
        double a = scale * Math.cos(radians);
        double b = scale * Math.sin(radians);
        matrix.create(2, 3, CvType.CV_64F);
        matrix.put(0, 0, a, b, (1 - a) * cx - b * cy, -b, a, b * cx + (1 - a) * cy);
        return matrix;
    }
}
