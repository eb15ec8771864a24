package io.streamaug.augment.image;

import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * How a JPEG's EXIF Orientation tag (1..8) says its stored pixels are turned upright: a transpose
 * for 5..8, then a reversal of the columns, the rows or both, as OpenCV's {@code imdecode} applies
 * it. Knowing it before decoding gives the upright size and which way each axis runs, so that a
 * box drawn on the upright image can be found in an image decoded reduced.
 */
enum ExifOrientation {
    TOP_LEFT(false, false, false),
    TOP_RIGHT(false, false, true),
    BOTTOM_RIGHT(false, true, true),
    BOTTOM_LEFT(false, true, false),
    LEFT_TOP(true, false, false),
    RIGHT_TOP(true, false, true),
    RIGHT_BOTTOM(true, true, true),
    LEFT_BOTTOM(true, true, false);

    private final boolean transposes;
    private final boolean reversesRows;
    private final boolean reversesColumns;

    ExifOrientation(boolean transposes, boolean reversesRows, boolean reversesColumns) {
        this.transposes = transposes;
        this.reversesRows = reversesRows;
        this.reversesColumns = reversesColumns;
    }

    /** The orientation of EXIF value {@code tag}; anything but 1..8 leaves the image as stored. */
    static ExifOrientation of(int tag) {
        return tag >= 1 && tag <= 8 ? values()[tag - 1] : TOP_LEFT;
    }

    /** Whether the upright image's rows are the stored columns (a quarter turn, 5..8). */
    boolean transposes() {
        return transposes;
    }

    /** Whether the upright image's rows run the other way from the stored ones (after any transpose). */
    boolean reversesRows() {
        return reversesRows;
    }

    /** Whether the upright image's columns run the other way from the stored ones (after any transpose). */
    boolean reversesColumns() {
        return reversesColumns;
    }

    /** Writes {@code stored} turned upright into {@code upright}, another Mat. */
    void apply(Mat stored, Mat upright) {
        Mat src = stored;
        if (transposes) {
            Core.transpose(stored, upright);
            src = upright;
        }
        if (reversesRows || reversesColumns) {
            Core.flip(src, upright, reversesRows && reversesColumns ? -1 : reversesRows ? 0 : 1);
        } else if (src != upright) {
            src.copyTo(upright);
        }
    }
}
