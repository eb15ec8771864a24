package io.streamaug.augment.image;

import java.util.Arrays;

/**
 * How encoded images become the spec's pixels (a spec's {@code decode} section).
 *
 * @param strictChannels  refuse an image whose colour does not match the spec's channel count
 *                        (gray into RGB, colour into gray) instead of converting it
 * @param fill            the RGB colour (0..255) transparent pixels are composited on
 * @param exifOrientation turn JPEGs upright by their EXIF Orientation tag
 * @param reduced         let libjpeg decode at 1/2, 1/4 or 1/8 size when the first op shrinks the
 *                        image at least that much anyway ({@link ReducedDecode})
 */
public record DecodeOptions(boolean strictChannels, int[] fill, boolean exifOrientation, boolean reduced) {
    /** Convert channels, white behind transparency, EXIF orientation applied, reduced decoding on. */
    public static final DecodeOptions DEFAULT = new DecodeOptions(false, new int[] {255, 255, 255}, true, true);

    public DecodeOptions {
        if (fill.length != 3) {
            throw new IllegalArgumentException("fill needs 3 values (R, G, B), got " + fill.length);
        }
        for (int v : fill) {
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("fill values must be in 0..255, got " + Arrays.toString(fill));
            }
        }
        fill = fill.clone();
    }

    @Override
    public int[] fill() {
        return fill.clone();
    }

    /** The fill's luminance (ITU-R 601-2, as for RGB → gray), for one-channel images. */
    public int grayFill() {
        return (int) Math.round(0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodeOptions d && strictChannels == d.strictChannels && Arrays.equals(fill, d.fill)
                && exifOrientation == d.exifOrientation && reduced == d.reduced;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fill) * 31 + (strictChannels ? 1 : 0) + (exifOrientation ? 2 : 0) + (reduced ? 4 : 0);
    }

    @Override
    public String toString() {
        return "DecodeOptions[channels=" + (strictChannels ? "strict" : "convert") + ", fill=" + Arrays.toString(fill)
                + ", exif_orientation=" + exifOrientation + ", reduced=" + reduced + "]";
    }
}
