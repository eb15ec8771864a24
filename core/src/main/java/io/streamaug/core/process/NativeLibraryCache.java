package io.streamaug.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * One copy per user of a native library that ships inside a jar (OpenCV's, RocksDB's), for every
 * JVM to load. The libraries' own loaders extract a fresh copy into the temp directory at every
 * start and delete it at exit only: a JVM killed with SIGKILL (a crashed worker, each fault of a
 * chaos run, a pod's OOM kill) left its copy behind, tens of MB each.
 *
 * <p>The cache directory is {@code streamaug.native.cache} (a system property) if set, else
 * {@code $XDG_CACHE_HOME/streamaug/native} or {@code ~/.cache/streamaug/native}, else (no writable
 * home, as in some containers) {@code <tmp>/streamaug-native-<user>}. Each library lies in a
 * directory named by its content, {@code <crc32>-<size>/}, under the file name its loader expects:
 * another version of the jar gets a copy of its own, and nothing is ever rewritten in place. The
 * CRC is the one the jar records for the entry, so naming the copy reads nothing.
 */
public final class NativeLibraryCache {
    /** The system property that chooses the cache directory. */
    public static final String DIRECTORY_PROPERTY = "streamaug.native.cache";

    private NativeLibraryCache() {
    }

    /**
     * The cached copy of {@code resource} (as {@code owner.getResource} finds it), named {@code fileName},
     * made first if needed; null when the class path lacks the resource.
     *
     * @throws IOException when no cache directory can be made or written
     */
    public static Path copyOf(Class<?> owner, String resource, String fileName) throws IOException {
        URL url = owner.getResource(resource);
        return url == null ? null : copyOf(directory(), url, fileName);
    }

    /**
     * The copy of {@code url} in {@code cache}: written to a temporary file and moved into place
     * atomically, so that JVMs starting together never load a half-written file (each writes its
     * own, and the last move wins with the same bytes).
     */
    static Path copyOf(Path cache, URL url, String fileName) throws IOException {
        URLConnection connection = url.openConnection();
        long size = connection.getContentLengthLong();
        long crc = connection instanceof JarURLConnection jar ? jar.getJarEntry().getCrc() : -1;
        if (crc < 0 || size < 0) { // not from a jar (a build's class directory): read it once to name it
            CRC32 checksum = new CRC32();
            try (InputStream in = new CheckedInputStream(url.openStream(), checksum)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            crc = checksum.getValue();
        }
        Path dir = cache.resolve(String.format(Locale.ROOT, "%08x-%d", crc, size));
        Path target = dir.resolve(fileName);
        if (Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        Files.createDirectories(dir);
        Path part = Files.createTempFile(dir, fileName, ".part");
        try (InputStream in = url.openStream()) {
            long copied = Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            if (copied != size) {
                throw new IOException(url + " changed while it was copied: " + copied + " bytes, not " + size);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return target;
    }

    /** The first of the cache directories (see the class comment) that exists or can be made. */
    static Path directory() throws IOException {
        String chosen = System.getProperty(DIRECTORY_PROPERTY);
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
