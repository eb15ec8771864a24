package io.streamaug.augment.image;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * The one way encoded image bytes become pixels, for the worker, the stats job, the offline
 * commands and the producer alike: the size guard first (from the header alone, so a
 * decompression bomb never allocates), then OpenCV's decoder, then the same depth and channel
 * handling — 8-bit; 1 channel (gray, or gray + alpha) or 3 channels (RGB from BGR or BGRA, or a
 * gray image's value in all three, as torchvision's {@code convert("RGB")}: folders of photos mix both).
 * An image any of them refuses is refused by all, with the same message. One instance per
 * thread: it owns a reusable native buffer, released by {@link #close()}.
 */
public final class ImageDecoder implements AutoCloseable {
    static {
        OpenCv.load(); // before the Mat field below is initialised
    }

    private final int channels;
    private final ImageLimits limits;
    private final MatOfByte encoded = new MatOfByte();

    /**
     * @param channels the channel count decoded images must have: 1 (grayscale) or 3 (RGB)
     * @param limits   the largest encoded image and pixel count accepted
     */
    public ImageDecoder(int channels, ImageLimits limits) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images decode to 1 or 3 channels, not " + channels);
        }
        this.channels = channels;
        this.limits = limits;
    }

    public int channels() {
        return channels;
    }

    public ImageLimits limits() {
        return limits;
    }

    /**
     * Decodes {@code image} into {@code out} (8-bit, {@link #channels()} channels, RGB order).
     *
     * @throws IllegalArgumentException when the bytes are empty, exceed the limits, are not an
     *                                  image OpenCV can decode, or have an unusable channel count
     */
    public void decode(byte[] image, Mat out) {
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("record value is empty: no image to decode");
        }
        limits.check(image);
        encoded.fromArray(image);
        Mat decoded = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_UNCHANGED);
        try {
            if (decoded.empty()) {
                throw new IllegalArgumentException("value is not an image OpenCV can decode (" + image.length + " bytes)");
            }
            if (decoded.depth() != CvType.CV_8U) {
                decoded.convertTo(decoded, CvType.CV_8U, decoded.depth() == CvType.CV_16U ? 1 / 257.0 : 1.0);
            }
            int found = decoded.channels();
            if (channels == 1) {
                switch (found) {
                    case 1 -> decoded.copyTo(out);
                    case 2 -> Core.extractChannel(decoded, out, 0); // gray + alpha: the gray
                    default -> throw new IllegalArgumentException("image has " + found
                            + " channels but the spec expects 1 (grayscale)");
                }
            } else {
                switch (found) {
                    case 1 -> Imgproc.cvtColor(decoded, out, Imgproc.COLOR_GRAY2RGB);
                    case 2 -> { // gray + alpha: the gray, in all three
                        Core.extractChannel(decoded, decoded, 0);
                        Imgproc.cvtColor(decoded, out, Imgproc.COLOR_GRAY2RGB);
                    }
                    case 3 -> Imgproc.cvtColor(decoded, out, Imgproc.COLOR_BGR2RGB);
                    case 4 -> Imgproc.cvtColor(decoded, out, Imgproc.COLOR_BGRA2RGB);
                    default -> throw new IllegalArgumentException("image has " + found
                            + " channel(s) but the spec expects 3 (RGB)");
                }
            }
        } finally {
            decoded.release();
        }
    }

    /** Decodes {@code image} as {@link #decode} does and returns its pixels, HWC, in Java memory. */
    public byte[] pixels(byte[] image) {
        Mat out = new Mat();
        try {
            decode(image, out);
            byte[] hwc = new byte[(int) out.total() * out.channels()];
            out.get(0, 0, hwc);
            return hwc;
        } finally {
            out.release();
        }
    }

    /** Checks that {@code image} decodes as {@link #decode} would, without keeping the pixels. */
    public void check(byte[] image) {
        Mat out = new Mat();
        try {
            decode(image, out);
        } finally {
            out.release();
        }
    }

    @Override
    public void close() {
        encoded.release();
    }
}
