package io.streamaug.datasets;

import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An image tree as torchvision's ImageFolder reads it: one sub-folder per class, class indices in
 * sorted folder-name order. When the root holds {@code train/}, {@code val/} and/or {@code test/},
 * each is such a tree and gives that split.
 */
public record ImageFolder(List<String> classes, List<Entry> entries) {
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp",
            "pgm", "ppm", "pbm", "jp2");

    /** One image file with its class index and split ({@code null} split: assign by fraction). */
    public record Entry(Path file, int label, Split split) {
    }

    public static ImageFolder scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UsageException(root + " is not a directory");
        }
        List<Path> splitDirs = new ArrayList<>();
        for (String name : List.of("train", "val", "test")) {
            if (Files.isDirectory(root.resolve(name))) {
                splitDirs.add(root.resolve(name));
            }
        }
        try {
            if (splitDirs.isEmpty()) {
                List<String> classes = classFolders(root);
                return new ImageFolder(classes, files(root, classes, null));
            }
            List<String> classes = classFolders(splitDirs.get(0));
            List<Entry> entries = new ArrayList<>();
            for (Path dir : splitDirs) {
                List<String> here = classFolders(dir);
                if (!classes.containsAll(here)) {
                    throw new UsageException(dir + " has class folders " + here + " not in " + classes);
                }
                entries.addAll(files(dir, classes, Split.parse(dir.getFileName().toString())));
            }
            return new ImageFolder(classes, entries);
        } catch (IOException e) {
            throw new UsageException("cannot read " + root + ": " + e.getMessage(), e);
        }
    }

    private static List<String> classFolders(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            List<String> classes = children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
            if (classes.isEmpty()) {
                throw new UsageException(dir + " has no class sub-folders (expected DIR/<class>/<image>)");
            }
            return classes;
        }
    }

    private static List<Entry> files(Path dir, List<String> classes, Split split) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            Path classDir = dir.resolve(classes.get(label));
            if (!Files.isDirectory(classDir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(classDir)) {
                int index = label;
                files.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted()
                        .forEach(f -> entries.add(new Entry(f, index, split)));
            }
        }
        return entries;
    }

    static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** MIME type by extension, for the content-type header. */
    public static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "bmp" -> "image/bmp";
            case "tif", "tiff" -> "image/tiff";
            case "webp" -> "image/webp";
            default -> "image/x-" + ext;
        };
    }
}
