package io.streamaug.augment.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * libjpeg-turbo's TurboJPEG decompressor ({@value #LIBRARY}, Debian's {@value #PACKAGE}), bound
 * with JNA's direct mapping: the SIMD build of the libjpeg that OpenCV's Java build bundles without
 * SIMD, at about twice its speed. It decodes a JPEG straight into a {@link Mat}'s memory, in RGB,
 * BGR or gray, at 1/1, 1/2, 1/4 or 1/8, with libjpeg's defaults (accurate DCT, fancy upsampling),
 * as OpenCV's decoder does, so the pixels are libjpeg's either way. It decodes only what it decodes
 * cleanly and exactly as OpenCV would; the rest ({@link #decode} returns null) is left to OpenCV.
 * One instance is one decompressor handle, for one thread, released by {@link #close()}.
 *
 * <p>Which decoder a JVM uses: {@value #SETTING_ENV} (or the system property
 * {@value #SETTING_PROPERTY}, which wins) is {@code auto} (the default: TurboJPEG when the library
 * loads), {@code turbojpeg} (required) or {@code opencv}.
 */
public final class TurboJpeg implements AutoCloseable {
    /** The library's soname: TurboJPEG API 2.x, which libjpeg-turbo 2.x and 3.x provide. */
    public static final String LIBRARY = "libturbojpeg.so.0";
    /** The Debian package that installs it. */
    public static final String PACKAGE = "libturbojpeg0";
    public static final String SETTING_ENV = "STREAMAUG_JPEG_DECODER";
    public static final String SETTING_PROPERTY = "streamaug.jpeg.decoder";

    /** TurboJPEG's output pixel formats ({@code TJPF_*}) that the decoder uses. */
    public enum PixelFormat {
        RGB(0, 3), BGR(1, 3), GRAY(6, 1);

        final int code;
        final int channels;

        PixelFormat(int code, int channels) {
            this.code = code;
            this.channels = channels;
        }
    }

    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    private static final int TJERR_WARNING = 0;
    /**
     * Stop at libjpeg's first warning (corrupt data it would paper over) and leave the image to
     * OpenCV, which decodes it as it always has: TurboJPEG 2.1 cannot tell a warning from an error
     * that followed one ({@code tjGetErrorCode} says "warning" for both).
     */
    private static final int TJFLAG_STOPONWARNING = 8192;

    private static final Loaded LOADED = load();

    /** The library once loaded: its file and scaling factors, or why it did not load. */
    private record Loaded(String file, List<int[]> scalings, String problem) {
    }

    private final Pointer handle;
    /** The four ints tjDecompressHeader3 writes: width, height, subsampling, colour space. */
    private final Memory header = new Memory(16);
    private final Pointer width = header.share(0);
    private final Pointer height = header.share(4);
    private final Pointer subsampling = header.share(8);
    private final Pointer colorspace = header.share(12);
    /** The JPEG's bytes in native memory: grown to the largest JPEG seen, reused. */
    private Memory input;
    private String declined;
    private boolean closed;

    /** @throws IllegalStateException when the library did not load ({@link #problem()} says why) */
    public TurboJpeg() {
        if (LOADED.problem() != null) {
            throw new IllegalStateException(LIBRARY + " cannot be loaded: " + LOADED.problem());
        }
        OpenCv.load(); // the Mats it decodes into
        handle = tjInitDecompress();
        if (handle == null) {
            header.close();
            throw new IllegalStateException("TurboJPEG could not make a decompressor: " + tjGetErrorStr2(null).getString(0));
        }
    }

    /** Whether {@value #LIBRARY} loaded in this JVM (whatever the setting says). */
    public static boolean loaded() {
        return LOADED.problem() == null;
    }

    /** Why the library did not load, or null. */
    public static String problem() {
        return LOADED.problem();
    }

    /** The library file this JVM loaded (e.g. /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0.2.0), or null. */
    public static String file() {
        return LOADED.file();
    }

    /** The setting, lower case; {@code auto} when neither the property nor the variable is set. */
    static String setting() {
        String value = System.getProperty(SETTING_PROPERTY, System.getenv(SETTING_ENV));
        return value == null || value.isBlank() ? "auto" : value.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether this JVM's image decoders use TurboJPEG for JPEGs: when it loaded, unless the setting
     * says {@code opencv}.
     *
     * @throws IllegalArgumentException when the setting is not one of auto, turbojpeg, opencv, or is
     *                                  turbojpeg and the library did not load
     */
    public static boolean selected() {
        return switch (setting()) {
            case "auto" -> loaded();
            case "opencv" -> false;
            case "turbojpeg" -> {
                if (!loaded()) {
                    throw new IllegalArgumentException(SETTING_ENV + " is turbojpeg, but " + LIBRARY + " cannot be loaded ("
                            + problem() + "): install Debian's " + PACKAGE + ", or set it to auto or opencv");
                }
                yield true;
            }
            default -> throw new IllegalArgumentException(SETTING_ENV + " (or -D" + SETTING_PROPERTY + ") is '" + setting()
                    + "': use auto (TurboJPEG when installed, the default), turbojpeg or opencv");
        };
    }

    /** One line for a log: which JPEG decoder this JVM uses and, when it is OpenCV's, why. */
    public static String inUse() {
        if (selected()) {
            return "JPEG decoder: libjpeg-turbo's TurboJPEG with SIMD (" + file() + ")";
        }
        if (setting().equals("opencv")) {
            return "JPEG decoder: OpenCV's imdecode (" + SETTING_ENV + "=opencv)";
        }
        return "JPEG decoder: OpenCV's imdecode, without SIMD: " + LIBRARY + " cannot be loaded (" + problem()
                + "); install Debian's " + PACKAGE + " for libjpeg-turbo's SIMD decoder, about twice as fast";
    }

    /**
     * Decodes {@code jpeg} at 1/{@code factor} of its size (each side rounded up, as libjpeg scales)
     * into a new 8-bit {@link Mat} of {@code format}; null, with nothing left allocated, when TurboJPEG
     * does not decode it cleanly and exactly as libjpeg through OpenCV would: a CMYK or YCCK JPEG
     * (TurboJPEG 2.1 cannot convert them), a sampling TurboJPEG's header reader does not know, a
     * tiny image where TurboJPEG would pick another scale of the same size, any libjpeg warning
     * (corrupt data) or error. The caller releases the result.
     */
    public Mat decode(byte[] jpeg, int factor, PixelFormat format) {
        if (closed) {
            throw new IllegalStateException("the TurboJPEG decompressor is closed");
        }
        declined = null;
        NativeLong size = new NativeLong(jpeg.length);
        if (input == null || input.size() < jpeg.length) {
            long capacity = Math.max(jpeg.length, input == null ? 1 << 16 : 2 * input.size());
            if (input != null) {
                input.close();
            }
            input = new Memory(capacity);
        }
        input.write(0, jpeg, 0, jpeg.length);
        if (tjDecompressHeader3(handle, input, size, width, height, subsampling, colorspace) != 0) {
            return decline("header: " + failure());
        }
        int cs = colorspace.getInt(0);
        if (cs == TJCS_CMYK || cs == TJCS_YCCK) {
            return decline(cs == TJCS_CMYK ? "CMYK" : "YCCK");
        }
        int w = width.getInt(0);
        int h = height.getInt(0);
        int scaledWidth = (w + factor - 1) / factor;
        int scaledHeight = (h + factor - 1) / factor;
        if (!scalesAt(w, h, scaledWidth, scaledHeight, factor)) {
            return decline("another scale than 1/" + factor + " gives " + scaledWidth + "×" + scaledHeight);
        }
        Mat out = new Mat(scaledHeight, scaledWidth, CvType.CV_8UC(format.channels));
        int status = tjDecompress2(handle, input, size, new Pointer(out.dataAddr()), scaledWidth, (int) out.step1(),
                scaledHeight, format.code, TJFLAG_STOPONWARNING);
        if (status != 0) {
            out.release();
            return decline(failure());
        }
        return out;
    }

    /**
     * Why the last {@link #decode} returned null ({@code CMYK}, {@code YCCK}, {@code header: …},
     * {@code warning: …}, {@code error: …}, {@code another scale …}), or null after a decode.
     */
    public String declined() {
        return declined;
    }

    private Mat decline(String why) {
        declined = why;
        return null;
    }

    /** The last call's failure: "warning" (libjpeg papered over corrupt data) or "error", and libjpeg's message. */
    private String failure() {
        return (tjGetErrorCode(handle) == TJERR_WARNING ? "warning: " : "error: ") + tjGetErrorStr2(handle).getString(0);
    }

    /**
     * Whether tjDecompress2, asked for {@code scaledWidth}×{@code scaledHeight}, picks the scale 1/{@code factor}:
     * it takes the first of its factors (largest first) whose size fits, and for an image a few pixels
     * wide a larger one (5/8 for 1/2 at 3×3) gives the same size with another IDCT than OpenCV's.
     */
    private static boolean scalesAt(int w, int h, int scaledWidth, int scaledHeight, int factor) {
        for (int[] sf : LOADED.scalings()) {
            if (scaled(w, sf) <= scaledWidth && scaled(h, sf) <= scaledHeight) {
                return sf[0] * factor == sf[1];
            }
        }
        return false;
    }

    /** TurboJPEG's TJSCALED: a dimension at num/denom, rounded up. */
    private static int scaled(int dimension, int[] sf) {
        return (int) (((long) dimension * sf[0] + sf[1] - 1) / sf[1]);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            tjDestroy(handle);
            header.close();
            if (input != null) {
                input.close();
            }
        }
    }

    private static Loaded load() {
        try {
            NativeLibrary library = NativeLibrary.getInstance(LIBRARY);
            Native.register(TurboJpeg.class, library);
            return new Loaded(mappedFile(library), scalingFactors(), null);
        } catch (LinkageError | RuntimeException e) { // not installed, another OS, or JNA's own stub refused
            // JNA's message repeats the linker's reason once per place it looked: its first two lines say it.
            List<String> lines = String.valueOf(e.getMessage()).lines().map(String::strip).filter(l -> !l.isEmpty())
                    .distinct().limit(2).toList();
            return new Loaded(null, List.of(), lines.isEmpty() ? e.toString() : String.join(" ", lines));
        }
    }

    /** TurboJPEG's scaling factors, in the order tjDecompress2 tries them (largest first). */
    private static List<int[]> scalingFactors() {
        try (Memory count = new Memory(4)) {
            Pointer factors = tjGetScalingFactors(count);
            if (factors == null) {
                throw new IllegalStateException("tjGetScalingFactors returned none");
            }
            List<int[]> out = new ArrayList<>();
            for (int i = 0; i < count.getInt(0); i++) {
                out.add(new int[] {factors.getInt(8L * i), factors.getInt(8L * i + 4)});
            }
            return List.copyOf(out);
        }
    }

    /** The file the dynamic linker mapped (the soname resolved), from /proc/self/maps where there is one. */
    private static String mappedFile(NativeLibrary library) {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(f -> f.contains("/libturbojpeg.so"))
                    .findFirst().orElseGet(() -> fallbackName(library));
        } catch (IOException | RuntimeException e) {
            return fallbackName(library);
        }
    }

    private static String fallbackName(NativeLibrary library) {
        return library.getFile() != null ? library.getFile().getPath() : library.getName();
    }

    // TurboJPEG 2.x (turbojpeg.h); registered on this class by load().
    static native Pointer tjInitDecompress();

    static native int tjDecompressHeader3(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer width,
            Pointer height, Pointer jpegSubsamp, Pointer jpegColorspace);

    static native int tjDecompress2(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer dstBuf, int width,
            int pitch, int height, int pixelFormat, int flags);

    static native Pointer tjGetErrorStr2(Pointer handle);

    static native int tjGetErrorCode(Pointer handle);

    static native int tjDestroy(Pointer handle);

    static native Pointer tjGetScalingFactors(Pointer numScalingFactors);
}
