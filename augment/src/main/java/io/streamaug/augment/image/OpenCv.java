package io.streamaug.augment.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads OpenCV's native library once per JVM (from the openpnp jar, for this platform) and limits
 * OpenCV's own thread pool to one thread (system property {@code streamaug.opencv.threads}):
 * workers scale by stream threads and instances, and OpenCV's parallel loops on top of those only
 * oversubscribe the cores.
 *
 * <p>The library (65 MB on Linux x86-64) is extracted once into a cache directory, named by its
 * size, and loaded from there by every later JVM: {@code streamaug.native.cache} (a system
 * property) if set, else {@code $XDG_CACHE_HOME/streamaug/native} or {@code ~/.cache/streamaug/native},
 * else (no writable home, as in some containers) {@code <tmp>/streamaug-native-<user>}. openpnp's
 * own loader extracts a fresh copy into the temp directory for every JVM and removes it at exit: a
 * JVM killed with SIGKILL (a crashed worker, every fault of a chaos run, a pod's OOM kill) left its
 * copy behind, 65 MB each. Where no copy can be made, openpnp's loader is used as before.
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
            Path shared = sharedCopy(resource, name);
            if (shared == null) {
                return false;
            }
            System.load(shared.toString());
            return true;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return false;
        }
    }

    /**
     * The shared copy of {@code resource}: {@code <cache>/<size>-<name>}, written to a temporary file
     * and moved into place atomically, so that JVMs starting together never load a half-written
     * file. Null when the jar lacks the resource.
     */
    static Path sharedCopy(String resource, String name) throws IOException {
        var url = OpenCv.class.getResource(resource);
        if (url == null) {
            return null;
        }
        long size = url.openConnection().getContentLengthLong();
        Path dir = cacheDirectory();
        Path target = dir.resolve(size + "-" + name);
        if (Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        Path part = Files.createTempFile(dir, name, ".part");
        try (InputStream in = url.openStream()) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return target;
    }

    /** The first of the cache directories (see the class comment) that exists or can be made. */
    private static Path cacheDirectory() throws IOException {
        String chosen = System.getProperty("streamaug.native.cache");
        if (chosen != null) {
            return Files.createDirectories(Path.of(chosen));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path user = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : home != null && !home.isBlank() && !home.equals("?") ? Path.of(home, ".cache") : null;
        if (user != null) {
            try {
                return Files.createDirectories(user.resolve("streamaug").resolve("native"));
            } catch (IOException | SecurityException e) {
                // no writable home: the temp directory below
            }
        }
        return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
                "streamaug-native-" + System.getProperty("user.name", "user")));
    }
}
