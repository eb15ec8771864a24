package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.BorderMode;
import io.streamaug.augment.image.Interpolation;
import io.streamaug.augment.image.Workspace;
import org.opencv.core.Mat;

/**
 * The ops torchvision's policies choose from, applied at a signed magnitude as its
 * {@code _apply_op} does: shears take tan of the angle, translations whole pixels (the magnitude
 * truncated), rotation degrees, the four enhancements a factor of 1 + magnitude, posterize the
 * truncated magnitude as bits, solarize a threshold. Each constant keys its own scratch in the workspace.
 */
enum PolicyOp {
    IDENTITY("Identity"),
    SHEAR_X("ShearX"),
    SHEAR_Y("ShearY"),
    TRANSLATE_X("TranslateX"),
    TRANSLATE_Y("TranslateY"),
    ROTATE("Rotate"),
    BRIGHTNESS("Brightness"),
    COLOR("Color"),
    CONTRAST("Contrast"),
    SHARPNESS("Sharpness"),
    POSTERIZE("Posterize"),
    SOLARIZE("Solarize"),
    AUTO_CONTRAST("AutoContrast"),
    EQUALIZE("Equalize"),
    INVERT("Invert");

    private final String traceName;

    PolicyOp(String traceName) {
        this.traceName = traceName;
    }

    /** The name in traces, torchvision's. */
    String traceName() {
        return traceName;
    }

    /** Reads {@code src}, writes {@code dst} (a different Mat). */
    void apply(Mat src, Mat dst, double magnitude, Interpolation interpolation, double fill, Workspace workspace) {
        switch (this) {
            case IDENTITY -> src.copyTo(dst);
            case SHEAR_X -> Affine.shear(src, dst, magnitude, 0, interpolation, fill, workspace.mat(this, 0));
            case SHEAR_Y -> Affine.shear(src, dst, 0, magnitude, interpolation, fill, workspace.mat(this, 0));
            case TRANSLATE_X -> Affine.shift(src, dst, (int) magnitude, 0, fill, workspace.mat(this, 0));
            case TRANSLATE_Y -> Affine.shift(src, dst, 0, (int) magnitude, fill, workspace.mat(this, 0));
            case ROTATE -> Rotate.rotate(src, dst, magnitude, interpolation, BorderMode.CONSTANT, fill, workspace.mat(this, 0));
            case BRIGHTNESS -> Brightness.brightness(src, dst, 1 + magnitude, workspace, this);
            case COLOR -> Color.color(src, dst, 1 + magnitude, workspace, this);
            case CONTRAST -> Contrast.contrast(src, dst, 1 + magnitude, workspace, this);
            case SHARPNESS -> Sharpness.sharpness(src, dst, 1 + magnitude, workspace, this);
            case POSTERIZE -> Posterize.posterize(src, dst, (int) magnitude, workspace, this);
            case SOLARIZE -> Solarize.solarize(src, dst, magnitude, workspace, this);
            case AUTO_CONTRAST -> AutoContrast.autoContrast(src, dst, workspace, this);
            case EQUALIZE -> Equalize.equalize(src, dst, workspace, this);
            case INVERT -> Invert.invert(src, dst, workspace, this);
            default -> throw new AssertionError(this);
        }
    }
}
