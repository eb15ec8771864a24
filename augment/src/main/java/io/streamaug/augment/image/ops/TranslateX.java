package io.streamaug.augment.image.ops;

/** Shifts along x (positive: right) by whole pixels (torchvision's TranslateX, in pixels). */
public final class TranslateX extends Shift {
    public TranslateX(int minPixels, int maxPixels, double fill, double p) {
        super(minPixels, maxPixels, fill, p, true);
    }
}
