package io.streamaug.augment.image;

/**
 * Loads OpenCV's native library once per JVM (from the openpnp jar, for this platform) and limits
 * OpenCV's own thread pool to one thread (system property {@code streamaug.opencv.threads}):
 * workers scale by stream threads and instances, and OpenCV's parallel loops on top of those only
 * oversubscribe the cores.
 */
public final class OpenCv {
    private static volatile boolean loaded;

    private OpenCv() {
    }

    public static void load() {
        if (!loaded) {
            synchronized (OpenCv.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    org.opencv.core.Core.setNumThreads(Integer.getInteger("streamaug.opencv.threads", 1));
                    loaded = true;
                }
            }
        }
    }
}
