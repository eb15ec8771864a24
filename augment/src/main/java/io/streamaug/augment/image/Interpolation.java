package io.streamaug.augment.image;

import org.opencv.imgproc.Imgproc;

/** Pixel interpolation of geometric ops. */
public enum Interpolation {
    NEAREST(Imgproc.INTER_NEAREST),
    BILINEAR(Imgproc.INTER_LINEAR),
    BICUBIC(Imgproc.INTER_CUBIC),
    AREA(Imgproc.INTER_AREA);

    private final int flag;

    Interpolation(int flag) {
        this.flag = flag;
    }

    public int flag() {
        return flag;
    }
}
