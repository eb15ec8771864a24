package io.streamaug.augment.image;

import io.streamaug.core.process.NativeLibraryCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads OpenCV's native library once per JVM (from the openpnp jar, for this platform) and limits
 * OpenCV's own thread pool to one thread (system property {@code streamaug.opencv.threads}):
 * workers scale by stream threads and instances, and OpenCV's parallel loops on top of those only
 * oversubscribe the cores.
 *
 * <p>The library (65 MB on Linux x86-64) is extracted once into the user's
 * {@link NativeLibraryCache} and loaded from there by every later JVM. openpnp's own loader
 * extracts a fresh copy into the temp directory for every JVM and removes it at exit: a JVM killed
 * with SIGKILL left its copy behind, 65 MB each. Where no copy can be made, openpnp's loader is
 * used as before.
 */
public final class OpenCv {
    private static volatile boolean loaded;

    private OpenCv() {
    }

    public static void load() {
        if (!loaded) {
            synchronized (OpenCv.class) {
                if (!loaded) {
                    if (!loadShared()) {
                        nu.pattern.OpenCV.loadLocally();
                    }
                    org.opencv.core.Core.setNumThreads(Integer.getInteger("streamaug.opencv.threads", 1));
                    loaded = true;
                }
            }
        }
    }

    /** Loads the jar's Linux library from the shared copy, making it first if needed; false where that cannot be done. */
    private static boolean loadShared() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "ARMv8";
            default -> null;
        };
        if (!os.startsWith("linux") || arch == null) {
            return false;
        }
        String name = "lib" + org.opencv.core.Core.NATIVE_LIBRARY_NAME + ".so";
        String resource = "/nu/pattern/opencv/linux/" + arch + "/" + name;
        try {
            Path shared = NativeLibraryCache.copyOf(OpenCv.class, resource, name);
            if (shared == null) {
                return false;
            }
            System.load(shared.toString());
            return true;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return false;
        }
    }
}
