package io.streamaug.augment.image.ops;

/** Shifts along y (positive: down) by whole pixels (torchvision's TranslateY, in pixels). */
public final class TranslateY extends Shift {
    public TranslateY(int minPixels, int maxPixels, double fill, double p) {
        super(minPixels, maxPixels, fill, p, false);
    }
}
