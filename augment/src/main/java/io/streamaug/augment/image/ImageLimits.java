package io.streamaug.augment.image;

/** The largest encoded image and the most pixels a pipeline accepts; checked before decoding. */
public record ImageLimits(long maxBytes, long maxPixels) {
    /** 32 MiB encoded, 40 megapixels decoded (a 40 MP RGB image is 120 MB of pixels). */
    public static final ImageLimits DEFAULT = new ImageLimits(32L << 20, 40_000_000L);

    public ImageLimits {
        if (maxBytes < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("image limits must be positive, got " + maxBytes + " bytes, " + maxPixels + " pixels");
        }
    }

    /**
     * Checks an encoded image against the limits from its header alone.
     *
     * @return the size and format the header declares
     * @throws IllegalArgumentException naming the limit that was exceeded
     */
    public ImageHeader.Size check(byte[] encoded) {
        if (encoded.length > maxBytes) {
            throw new IllegalArgumentException("image is " + encoded.length + " bytes, more than the limit of " + maxBytes);
        }
        ImageHeader.Size size = ImageHeader.read(encoded);
        if (size.width() < 1 || size.height() < 1) {
            throw new IllegalArgumentException(size.format() + " header declares an empty image (" + size.width() + "×" + size.height() + ")");
        }
        if (size.pixels() > maxPixels) {
            throw new IllegalArgumentException(size.format() + " header declares " + size.width() + "×" + size.height()
                    + " = " + size.pixels() + " pixels, more than the limit of " + maxPixels + " (a decompression bomb?)");
        }
        return size;
    }
}
