package io.streamaug.augment.image.ops;

/** Mirrors the image left to right. */
public final class HorizontalFlip extends Flip {
    public HorizontalFlip(double p) {
        super(p, 1);
    }
}
