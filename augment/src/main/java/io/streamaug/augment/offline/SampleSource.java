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

    /** How many of Fashion-MNIST's first training images a sample is drawn from (every class is among them). */
    static final int FASHION_MNIST_POOL = 10_000;

    /**
     * {@code n} samples drawn with {@code seed} across the classes: the classes take turns (in a
     * shuffled order), each giving one of its images drawn without replacement, until {@code n} are
     * drawn or the images run out; so 10 samples of a 10-class dataset show every class once.
     * Unlabelled images are drawn uniformly. Only the drawn images are read or encoded.
     */
    static Loaded sample(String source, int n, long seed) {
        if (source.equals("fashion-mnist")) {
            IdxImages train = FashionMnist.load(null, false, FASHION_MNIST_POOL).train();
            int[] labels = new int[train.count()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = train.label(i);
            }
            List<Sample> samples = new ArrayList<>();
            try (IdxPngEncoder png = new IdxPngEncoder(train)) {
                for (int i : draw(labels, n, seed)) {
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
                List<ImageFolder.Entry> entries = folder.entries();
                for (int i : draw(entries.stream().mapToInt(ImageFolder.Entry::label).toArray(), n, seed)) {
                    ImageFolder.Entry entry = entries.get(i);
                    samples.add(new Sample(dir.relativize(entry.file()).toString(), Files.readAllBytes(entry.file()), entry.label()));
                }
                return new Loaded(samples, folder.classes());
            }
            List<Path> files = images(dir);
            for (int i : draw(new int[files.size()], n, seed)) {
                samples.add(new Sample(dir.relativize(files.get(i)).toString(), Files.readAllBytes(files.get(i)), -1));
            }
            return new Loaded(samples, List.of());
        } catch (IOException e) {
            throw new UsageException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Indices of {@code n} items drawn across {@code labels}' classes, as {@link #sample} describes. */
    static List<Integer> draw(int[] labels, int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        java.util.TreeMap<Integer, List<Integer>> byClass = new java.util.TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> queues = new ArrayList<>(byClass.values());
        for (List<Integer> queue : queues) {
            java.util.Collections.shuffle(queue, random);
        }
        java.util.Collections.shuffle(queues, random);
        List<Integer> drawn = new ArrayList<>();
        for (int round = 0; drawn.size() < n; round++) {
            boolean any = false;
            for (List<Integer> queue : queues) {
                if (round < queue.size() && drawn.size() < n) {
                    drawn.add(queue.get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return drawn;
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
