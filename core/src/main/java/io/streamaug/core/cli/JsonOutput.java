package io.streamaug.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --json FILE}: the one way a command writes its results for scripts (benchmarks, demo,
 * evaluate, stats): indented JSON, and a line saying where it went.
 */
public final class JsonOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path file;

    /** The file asked for, or {@code null}. */
    public Path file() {
        return file;
    }

    /**
     * Checks, before any long work, that the file can be written where it is asked for.
     *
     * @throws UsageException naming the missing directory
     */
    public void check() {
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
            throw new UsageException("--json " + file + ": directory " + parent + " does not exist");
        }
    }

    /** Writes {@code results} when {@code --json} was given. */
    public void write(Object results) throws IOException {
        if (file != null) {
            JSON.writeValue(file.toFile(), results);
            System.out.println("results written to " + file);
        }
    }
}
