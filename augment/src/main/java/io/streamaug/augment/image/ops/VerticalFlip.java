package io.streamaug.augment.image.ops;

/** Mirrors the image top to bottom. */
public final class VerticalFlip extends Flip {
    public VerticalFlip(double p) {
        super(p, 0);
    }
}
