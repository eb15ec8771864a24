package io.streamaug.augment.offline;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.IdxImages;
import io.streamaug.datasets.ImageFolder;
import io.streamaug.augment.image.IdxPngEncoder;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Encoded images with ids and labels, from Fashion-MNIST or a directory, for offline commands. */
final class SampleSource {
    /** One encoded image; {@code label} −1 when unknown. */
    record Sample(String id, byte[] encoded, int label) {
    }

    /** The samples and the class names (empty when unknown). */
    record Loaded(List<Sample> samples, List<String> classes) {
    }

    private SampleSource() {
    }

    /** {@code fashion-mnist} (its training images) or a directory (ImageFolder tree or plain images). */
    static Loaded load(String source, int limit) {
        if (source.equals("fashion-mnist")) {
            IdxImages train = FashionMnist.load(null, false, limit).train();
            List<Sample> samples = new ArrayList<>();
            try (IdxPngEncoder png = new IdxPngEncoder(train)) {
                for (int i = 0; i < train.count(); i++) {
                    samples.add(new Sample(String.format("fashion-mnist-train-%05d", i), png.encode(i), train.label(i)));
                }
            }
            return new Loaded(samples, FashionMnist.CLASSES);
        }
        Path dir = Path.of(source);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("source '" + source + "' is neither 'fashion-mnist' nor a directory");
        }
        try {
            boolean tree;
            try (Stream<Path> children = Files.list(dir)) {
                tree = children.anyMatch(Files::isDirectory);
            }
            List<Sample> samples = new ArrayList<>();
            if (tree) {
                ImageFolder folder = ImageFolder.scan(dir);
                for (ImageFolder.Entry entry : folder.entries()) {
                    if (limit > 0 && samples.size() >= limit) {
                        break;
                    }
                    samples.add(new Sample(dir.relativize(entry.file()).toString(), Files.readAllBytes(entry.file()), entry.label()));
                }
                return new Loaded(samples, folder.classes());
            }
            for (Path file : images(dir)) {
                if (limit > 0 && samples.size() >= limit) {
                    break;
                }
                samples.add(new Sample(dir.relativize(file).toString(), Files.readAllBytes(file), -1));
            }
            return new Loaded(samples, List.of());
        } catch (IOException e) {
            throw new UsageException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Image files under {@code dir}, sorted. */
    static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> {
                        String name = f.getFileName().toString();
                        int dot = name.lastIndexOf('.');
                        return dot > 0 && ImageFolder.EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
                    }).sorted().toList();
        }
    }
}
