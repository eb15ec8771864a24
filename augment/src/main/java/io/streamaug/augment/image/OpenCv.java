package io.streamaug.augment.image;

/** Loads OpenCV's native library once per JVM (from the openpnp jar, for this platform). */
public final class OpenCv {
    private static volatile boolean loaded;

    private OpenCv() {
    }

    public static void load() {
        if (!loaded) {
            synchronized (OpenCv.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    loaded = true;
                }
            }
        }
    }
}
