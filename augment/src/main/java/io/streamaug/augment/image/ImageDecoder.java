package io.streamaug.augment.image;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * The one way encoded image bytes become pixels, for the worker, the stats job, the offline
 * commands and the producer alike: the size guard first (from the header alone, so a
 * decompression bomb never allocates), then the decoder — libjpeg-turbo's SIMD build through
 * {@link TurboJpeg} for JPEGs where it is installed, OpenCV's for the rest and wherever TurboJPEG
 * declines (libjpeg's pixels either way) — then the same conversion to 8 bits
 * and to the spec's channels, as torchvision's loader ({@code Image.convert("RGB")}) does for
 * RGB: gray is replicated to three channels, 16-bit samples are scaled (÷ 257), CMYK JPEGs are
 * converted, transparency is composited on the {@link DecodeOptions#fill() fill} colour; for one
 * channel, colour becomes its ITU-R 601-2 luminance (PIL's {@code L}). With
 * {@link DecodeOptions#strictChannels()}, gray into RGB and colour into gray are refused instead.
 * JPEGs are turned upright by their EXIF orientation and may be decoded reduced
 * ({@link ReducedDecode}). An image any caller refuses is refused by all, with the same message.
 * One instance per thread: it owns reusable native buffers and a TurboJPEG decompressor, released
 * by {@link #close()}.
 */
public final class ImageDecoder implements AutoCloseable {
    static {
        OpenCv.load(); // before the Mat field below is initialised
    }

    private final int channels;
    private final ImageLimits limits;
    private final DecodeOptions options;
    private final MatOfByte encoded = new MatOfByte();
    /** Null where this JVM decodes JPEGs with OpenCV ({@link TurboJpeg#selected()}). */
    private final TurboJpeg turbo;
    private int lastFactor = 1;

    /** With {@link DecodeOptions#DEFAULT}. */
    public ImageDecoder(int channels, ImageLimits limits) {
        this(channels, limits, DecodeOptions.DEFAULT);
    }

    /**
     * @param channels the channel count decoded images must have: 1 (grayscale) or 3 (RGB)
     * @param limits   the largest encoded image and pixel count accepted
     * @param options  channel conversion, fill, EXIF orientation and reduced decoding
     * @throws IllegalArgumentException when {@value TurboJpeg#SETTING_ENV} asks for a decoder that
     *                                  cannot be had ({@link TurboJpeg#selected()})
     */
    public ImageDecoder(int channels, ImageLimits limits, DecodeOptions options) {
        this(channels, limits, options, TurboJpeg.selected());
    }

    /** As the public constructor, with JPEGs decoded by TurboJPEG or, {@code turbo} false, by OpenCV. */
    ImageDecoder(int channels, ImageLimits limits, DecodeOptions options, boolean turbo) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images decode to 1 or 3 channels, not " + channels);
        }
        this.channels = channels;
        this.limits = limits;
        this.options = options;
        this.turbo = turbo ? new TurboJpeg() : null;
    }

    public int channels() {
        return channels;
    }

    public ImageLimits limits() {
        return limits;
    }

    public DecodeOptions options() {
        return options;
    }

    /** The reduction (1, 2, 4 or 8) the last successful decode used. */
    public int lastFactor() {
        return lastFactor;
    }

    /** Decodes at full size; see {@link #decode(byte[], Mat, ReducedDecode)}. */
    public void decode(byte[] image, Mat out) {
        decode(image, out, ReducedDecode.NONE);
    }

    /**
     * Decodes {@code image} into {@code out} (8-bit, {@link #channels()} channels, RGB order); a
     * JPEG at the reduction {@code plan} allows from its header, when the options allow reductions.
     * A JPEG's pixels are handed to {@code out} as they are, so that {@code out} then holds a new
     * buffer: a view into a larger image is not written through.
     *
     * @throws IllegalArgumentException when the bytes are empty, exceed the limits, are not an
     *                                  image OpenCV can decode (a JPEG without its end, a GIF
     *                                  included), or (strict channels) have the
     *                                  wrong colour for the spec
     */
    public void decode(byte[] image, Mat out, ReducedDecode plan) {
        decode(inspect(image), out, plan, true);
    }

    /**
     * Decodes an inspected image at the reduction {@code plan} allows from its header, when the
     * options allow reductions; with {@code rgb} false, in BGR order where {@link #decodesBgr} says.
     */
    void decode(Encoded image, Mat out, ReducedDecode plan, boolean rgb) {
        ImageHeader.Size stored = image.stored();
        decode(image, out, reducible(image) ? plan.factor(stored.height(), stored.width(), options.exifOrientation()) : 1, rgb);
    }

    /**
     * Whether {@link #decode(Encoded, Mat, int, boolean)} may leave {@code image} in BGR order, as
     * OpenCV's decoder writes it: a JPEG decoded to three channels by OpenCV. A caller whose first
     * op works on each channel alone and shrinks the image turns it to RGB after that op, on fewer
     * pixels. TurboJPEG writes RGB itself, at no cost, so where it decodes there is nothing to turn
     * (and a JPEG it declines is turned by the decoder, as any other image is).
     */
    boolean decodesBgr(Encoded image) {
        return channels == 3 && turbo == null && image.stored().format().equals("jpeg");
    }

    /** Whether JPEGs are decoded by TurboJPEG (those it does not decline). */
    boolean usesTurboJpeg() {
        return turbo != null;
    }

    /**
     * An encoded image checked and measured from its header alone, before anything is decoded.
     *
     * @param stored      the size and format the header declares
     * @param orientation how a JPEG is turned upright when decoded (as stored when the options say so)
     */
    record Encoded(byte[] bytes, ImageHeader.Size stored, ExifOrientation orientation) {
        /** Rows of the full-size decode: the stored height, or the stored width after a quarter turn. */
        int height() {
            return (int) (orientation.transposes() ? stored.width() : stored.height());
        }

        /** Columns of the full-size decode. */
        int width() {
            return (int) (orientation.transposes() ? stored.height() : stored.width());
        }
    }

    /**
     * Checks {@code image} as far as its header allows (not empty, within the limits, a JPEG with
     * its end) and reads its size and, for a JPEG, its orientation.
     *
     * @throws IllegalArgumentException as {@link #decode(byte[], Mat, ReducedDecode)}
     */
    Encoded inspect(byte[] image) {
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("record value is empty: no image to decode");
        }
        ImageHeader.Size size = limits.check(image);
        boolean jpeg = size.format().equals("jpeg");
        if (jpeg && !ImageHeader.jpegComplete(image)) {
            throw new IllegalArgumentException("JPEG is truncated: it has no end-of-image marker (" + image.length
                    + " bytes; cut short in transfer?)");
        }
        ExifOrientation orientation = jpeg && options.exifOrientation()
                ? ExifOrientation.of(ImageHeader.jpegOrientation(image)) : ExifOrientation.TOP_LEFT;
        return new Encoded(image, size, orientation);
    }

    /** Whether {@code image} may be decoded reduced: a JPEG, with reductions allowed by the options. */
    boolean reducible(Encoded image) {
        return options.reduced() && image.stored().format().equals("jpeg");
    }

    /**
     * Decodes an inspected image at 1/{@code factor} (1, 2, 4 or 8) of its size, as libjpeg scales:
     * each side rounded up. Only a {@link #reducible} image decodes at a factor other than 1. With
     * {@code rgb} false, in BGR order where {@link #decodesBgr} says.
     */
    void decode(Encoded image, Mat out, int factor, boolean rgb) {
        if (factor != 1 && !reducible(image)) {
            throw new IllegalArgumentException("only JPEGs decode reduced, and only with decode: {reduced: true}");
        }
        if (image.stored().format().equals("jpeg")) {
            decodeJpeg(image, out, factor, rgb);
        } else {
            decodeOther(image, out);
        }
    }

    /**
     * JPEGs decode straight to the channels wanted — libjpeg converts CMYK and, for gray output,
     * keeps the luma plane, which JFIF defines with ITU-R 601-2's weights — optionally reduced, and
     * are then turned upright by the orientation read from the header (here rather than by
     * OpenCV, so that the size a crop was drawn on before decoding is the size decoded). Upright
     * pixels become {@code out}'s without a copy: one image-sized buffer per decode, the one the
     * decoder writes into. A second one to copy into (a pipeline's current image, the ops' output
     * size between two decodes) made the allocator hand back fresh pages that the kernel faulted in
     * on every image. TurboJPEG writes RGB (BGR when {@code rgb} is false); what it declines — CMYK,
     * corrupt data, a sampling it does not know — OpenCV decodes as before, in BGR, turned to RGB in
     * place unless {@code rgb} is false, or refuses.
     */
    private void decodeJpeg(Encoded image, Mat out, int factor, boolean rgb) {
        int components = ImageHeader.jpegComponents(image.bytes());
        if (options.strictChannels() && (components == 1) != (channels == 1)) {
            throw mismatch(components);
        }
        if (factor != 1 && factor != 2 && factor != 4 && factor != 8) {
            throw new IllegalArgumentException("a JPEG decodes at 1/2, 1/4 or 1/8, not 1/" + factor);
        }
        long height = (image.stored().height() + factor - 1) / factor;
        long width = (image.stored().width() + factor - 1) / factor;
        Mat decoded = turbo == null ? null : turbo.decode(image.bytes(), factor, channels == 1
                ? TurboJpeg.PixelFormat.GRAY : rgb ? TurboJpeg.PixelFormat.RGB : TurboJpeg.PixelFormat.BGR);
        if (decoded != null && (decoded.rows() != height || decoded.cols() != width)) {
            decoded.release(); // a frame header read otherwise than ImageHeader reads it: OpenCV says what is wrong
            decoded = null;
        }
        boolean bgr = decoded == null && channels == 3;
        if (decoded == null) {
            decoded = imdecodeJpeg(image, factor, height, width);
        }
        try {
            if (bgr && rgb) {
                Imgproc.cvtColor(decoded, decoded, Imgproc.COLOR_BGR2RGB);
            }
            ExifOrientation orientation = image.orientation();
            if (orientation == ExifOrientation.TOP_LEFT) {
                decoded.assignTo(out); // out shares the pixels; releasing decoded below leaves them to out
            } else {
                orientation.apply(decoded, out);
            }
            lastFactor = factor;
        } finally {
            decoded.release();
        }
    }

    /**
     * OpenCV's decoding of a JPEG at 1/{@code factor}, in BGR for three channels, checked to be
     * {@code width}×{@code height}; the caller releases it.
     */
    private Mat imdecodeJpeg(Encoded image, int factor, long height, long width) {
        int flags = (channels == 3 ? Imgcodecs.IMREAD_COLOR : Imgcodecs.IMREAD_GRAYSCALE)
                | Imgcodecs.IMREAD_IGNORE_ORIENTATION;
        flags |= switch (factor) {
            case 2 -> Imgcodecs.IMREAD_REDUCED_GRAYSCALE_2;
            case 4 -> Imgcodecs.IMREAD_REDUCED_GRAYSCALE_4;
            case 8 -> Imgcodecs.IMREAD_REDUCED_GRAYSCALE_8;
            default -> 0;
        };
        encoded.fromArray(image.bytes());
        Mat decoded = Imgcodecs.imdecode(encoded, flags);
        if (decoded.empty()) {
            decoded.release();
            throw notAnImage("jpeg", image.bytes().length);
        }
        if (decoded.rows() != height || decoded.cols() != width) {
            IllegalArgumentException wrongSize = new IllegalArgumentException("JPEG decodes to " + decoded.cols() + "×"
                    + decoded.rows() + " but its header declares " + width + "×" + height
                    + (factor > 1 ? " at 1/" + factor : "") + ": corrupt?");
            decoded.release();
            throw wrongSize;
        }
        return decoded;
    }

    /** Other formats keep alpha and 16 bits ({@code IMREAD_UNCHANGED}), converted here. */
    private void decodeOther(Encoded image, Mat out) {
        encoded.fromArray(image.bytes());
        Mat decoded = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_UNCHANGED);
        String format = image.stored().format();
        try {
            if (decoded.empty()) {
                throw notAnImage(format, image.bytes().length);
            }
            if (decoded.depth() != CvType.CV_8U) {
                decoded.convertTo(decoded, CvType.CV_8U, decoded.depth() == CvType.CV_16U ? 1 / 257.0 : 1.0);
            }
            int found = decoded.channels();
            boolean gray = found <= 2;
            if (options.strictChannels() && gray != (channels == 1)) {
                throw mismatch(found);
            }
            if (found == 2 || found == 4) {
                composite(decoded, gray);
            }
            int code;
            if (channels == 1) {
                code = gray ? -1 : Imgproc.COLOR_BGR2GRAY;
            } else {
                code = gray ? Imgproc.COLOR_GRAY2RGB : Imgproc.COLOR_BGR2RGB;
            }
            if (code < 0) {
                decoded.copyTo(out);
            } else {
                Imgproc.cvtColor(decoded, out, code);
            }
            lastFactor = 1;
        } finally {
            decoded.release();
        }
    }

    /**
     * Replaces {@code image} (gray + alpha or BGRA) by its colour over the fill: c·a + fill·(1 − a),
     * rounded, without the alpha channel.
     */
    private void composite(Mat image, boolean gray) {
        Mat alpha = new Mat();
        Mat weight = new Mat();
        Mat inverse = new Mat();
        Mat colour = new Mat();
        Mat fill = new Mat();
        try {
            Core.extractChannel(image, alpha, image.channels() - 1);
            alpha.convertTo(weight, CvType.CV_32F, 1 / 255.0);
            alpha.convertTo(inverse, CvType.CV_32F, -1 / 255.0, 1.0);
            if (gray) {
                Core.extractChannel(image, colour, 0);
            } else {
                Imgproc.cvtColor(image, colour, Imgproc.COLOR_BGRA2BGR);
            }
            int[] rgb = options.fill();
            Scalar background = gray ? Scalar.all(options.grayFill()) : new Scalar(rgb[2], rgb[1], rgb[0]);
            fill.create(colour.size(), colour.type());
            fill.setTo(background);
            Imgproc.blendLinear(colour, fill, weight, inverse, image);
        } finally {
            alpha.release();
            weight.release();
            inverse.release();
            colour.release();
            fill.release();
        }
    }

    private IllegalArgumentException mismatch(int found) {
        return new IllegalArgumentException("image has " + found + " channel" + (found == 1 ? "" : "s")
                + " but the spec expects " + (channels == 1 ? "1 (grayscale)" : "3 (RGB)")
                + " and refuses to convert (decode: {channels: strict})");
    }

    private static IllegalArgumentException notAnImage(String format, int length) {
        if (format.equals("gif")) { // OpenCV reads GIF from 4.11 on; this build's 4.9 does not
            return new IllegalArgumentException("GIF is not supported: this OpenCV cannot decode it (" + length
                    + " bytes); convert it to PNG");
        }
        return new IllegalArgumentException("value is not an image OpenCV can decode (" + length + " bytes of "
                + format + ": corrupt or cut short?)");
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
        if (turbo != null) {
            turbo.close();
        }
    }
}
