package io.streamaug.core.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A dynamic class-data-sharing archive (AppCDS, {@code -XX:ArchiveClassesAtExit}) for child JVMs of
 * one kind on this JVM's class path: one such JVM that exits normally writes the classes it loaded,
 * and the next ones map them instead of loading, parsing and verifying them again, which shortens
 * their start-up. The JVM checks that an archive matches its own class path and jars and ignores
 * one that does not ({@code -Xshare:auto}), silently; an archive older than the launcher's last
 * build is not used but made again. A class path with a directory on it (a test's
 * {@code target/classes}) cannot be archived: there is no archive then.
 */
public final class ClassDataArchive {
    /** The launcher's class-path file, rewritten by every build. */
    static final String BUILD_STAMP = "deploy/target/launcher.classpath";

    private final Path file;
    private final Path build;
    private final Path pending;

    ClassDataArchive(Path file, Path build) {
        this.file = file;
        this.build = build;
        this.pending = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    }

    /**
     * The archive of JVMs of {@code kind} under the launcher's build ({@code
     * $STREAMAUG_HOME/deploy/target/cds/KIND.jsa}), or none when not run by the launcher or when
     * the class path holds a directory.
     */
    public static Optional<ClassDataArchive> forKind(String kind) {
        String home = System.getenv("STREAMAUG_HOME");
        if (home == null || home.isBlank()) {
            return Optional.empty();
        }
        return of(Path.of(home).resolve("deploy/target/cds").resolve(kind + ".jsa"), Path.of(home).resolve(BUILD_STAMP),
                System.getProperty("java.class.path"));
    }

    static Optional<ClassDataArchive> of(Path file, Path build, String classPath) {
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty() || Files.isDirectory(Path.of(entry))) {
                return Optional.empty();
            }
        }
        return Optional.of(new ClassDataArchive(file, build));
    }

    /** Whether the archive is there and was written after the launcher's last build. */
    public boolean present() {
        try {
            return Files.size(file) > 0 && (!Files.exists(build)
                    || Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(build)) > 0);
        } catch (IOException e) {
            return false;
        }
    }

    /** The JVM options that use the archive; no JVM log line either way. */
    public List<String> useOptions() {
        return List.of("-XX:SharedArchiveFile=" + file, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    /** The JVM options that write the archive when the JVM exits normally; {@link #keep} then puts it in place. */
    public List<String> writeOptions() throws IOException {
        Files.createDirectories(file.getParent());
        return List.of("-XX:ArchiveClassesAtExit=" + pending, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    /**
     * Once the JVM started with {@link #writeOptions} has exited: moves what it wrote into place.
     *
     * @return whether there was an archive to keep (a JVM that was killed writes none)
     */
    public boolean keep() throws IOException {
        if (!Files.exists(pending) || Files.size(pending) == 0) {
            Files.deleteIfExists(pending);
            return false;
        }
        Files.move(pending, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** The archive's file. */
    public Path file() {
        return file;
    }
}
