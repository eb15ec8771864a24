package io.streamaug.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's metrics as JSON lines: {@code {"type":"step",…}} per training step and
 * {@code {"type":"eval",…}} per evaluation. On resume, lines past the checkpoint's step (work a
 * crash lost and the resumed run redoes) are dropped, so each step appears once.
 */
public final class MetricsLog implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;

    public MetricsLog(Path file, long keepUpToStep) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (keepUpToStep >= 0 && Files.exists(file)) {
                List<String> kept = new ArrayList<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        if (!line.isBlank() && JSON.readTree(line).path("step").asLong() <= keepUpToStep) {
                            kept.add(line);
                        }
                    } catch (IOException torn) {
                        // a line cut by a crash: drop it
                    }
                }
                Files.write(file, kept, StandardCharsets.UTF_8);
            } else {
                Files.deleteIfExists(file);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public void write(Map<String, Object> line) {
        try {
            out.write(JSON.writeValueAsString(line));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a metrics file back (for plots and reports). */
    public static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException torn) {
                    // skip a torn last line
                }
            }
        }
        return lines;
    }
}
