package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Interpolation;

/** Shears along x: row y moves left by shear·(y + ½) pixels for a positive factor (torchvision's ShearX). */
public final class ShearX extends Shear {
    public ShearX(DoubleRange shearRange, Interpolation interpolation, double fill, double p) {
        super(shearRange, interpolation, fill, p, true);
    }
}
