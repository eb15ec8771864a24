package io.streamaug.augment.bench;

import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The photo set of the photo benchmarks and {@code demo --photos}: distinct JPEGs of real photographs
 * at about 500×375 and at 1024×768, as ImageFolders under {@code DIR/500} and {@code DIR/1024}, made
 * by {@code bench/photos/make_photo_set.py} (see its header for the sources and how the crops are
 * drawn). Made on first use and reused after.
 */
public final class PhotoSet {
    /** The two sizes, as the set's sub-folders and the benchmarks' key suffixes. */
    public static final List<String> SIZES = List.of("500", "1024");

    /** Where the set goes by default, beside the other working files. */
    public static final Path DEFAULT_DIR = Path.of(".streamaug", "photos");

    private static final long MAKE_TIMEOUT_MINUTES = 10;

    private PhotoSet() {
    }

    /** The set's directory, made with the script first when it holds no photos yet. */
    public static Path ensure(Path dir, Consumer<String> progress) {
        if (SIZES.stream().allMatch(size -> !jpegs(dir, size).isEmpty())) {
            return dir;
        }
        Path script = Path.of(System.getenv().getOrDefault("STREAMAUG_HOME", "."), "bench", "photos", "make_photo_set.py");
        if (!Files.isRegularFile(script)) {
            throw new UsageException("no photo set in " + dir + " and no " + script
                    + " to make it: run from the project's folder or set STREAMAUG_HOME");
        }
        progress.accept("making the photo set in " + dir + " (" + script + ", about 20 s)…");
        try {
            Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), "--out", dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(MAKE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new UsageException("making the photo set took over 10 minutes; its output: " + out.strip());
            }
            if (process.exitValue() != 0) {
                String last = out.strip().lines().reduce((a, b) -> b).orElse("");
                // The script names the packages it misses; other failures get the packages it needs.
                throw new UsageException("could not make the photo set: " + last
                        + (last.contains("apt-get") ? "" : " (Debian: apt-get install python3-pil plasma-workspace-wallpapers)"));
            }
            out.lines().forEach(progress);
        } catch (IOException e) {
            throw new UsageException("could not run /usr/bin/python3 to make the photo set (" + e.getMessage()
                    + "); Debian: apt-get install python3 python3-pil plasma-workspace-wallpapers");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while making the photo set");
        }
        return dir;
    }

    /** The JPEGs of one size, in a stable order (class folder, then file name); empty when absent. */
    public static List<Path> jpegs(Path dir, String size) {
        Path root = dir.resolve(size);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The encoded bytes of every JPEG of one size, in {@link #jpegs} order. */
    public static List<byte[]> read(Path dir, String size) {
        List<byte[]> bytes = new ArrayList<>();
        for (Path file : jpegs(dir, size)) {
            try {
                bytes.add(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }
}
