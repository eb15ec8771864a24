package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.DoubleRange;
import io.streamaug.augment.image.Interpolation;

/** Shears along y: column x moves up by shear·(x + ½) pixels for a positive factor (torchvision's ShearY). */
public final class ShearY extends Shear {
    public ShearY(DoubleRange shearRange, Interpolation interpolation, double fill, double p) {
        super(shearRange, interpolation, fill, p, false);
    }
}
