package io.streamaug.datasets;

import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fashion-MNIST, from a directory of IDX files (gzipped or not), from Debian's
 * {@code dataset-fashion-mnist} package when installed, or from the subset bundled in this jar
 * (the first 6,000 training and 1,000 test images; MIT licence, © Zalando SE).
 */
public final class FashionMnist {
    public static final String NAME = "fashion-mnist";
    /** The training set's pixel mean and std on the 0..1 scale (60,000 images; `stats` gives 0.286041, 0.353024). */
    public static final float MEAN = 0.2860f;
    public static final float STD = 0.3530f;
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final String BUNDLED = "/io/streamaug/datasets/fashion-mnist/";

    /** Where the data came from, for the user. */
    public record Source(String description, IdxImages train, IdxImages test) {
    }

    private FashionMnist() {
    }

    /** True when {@code dir} holds Fashion-MNIST/MNIST IDX files. */
    public static boolean isIdxDir(Path dir) {
        return find(dir, "train-images-idx3-ubyte").isPresent();
    }

    /**
     * Loads the dataset: from {@code dir} when given, else Debian's copy when present, else the bundled subset.
     *
     * @param limit at most this many images from each of the train and test files (≤ 0: all)
     */
    public static Source load(Path dir, boolean bundledOnly, int limit) {
        try {
            if (dir != null) {
                return new Source(dir.toString(), read(dir, "train", limit), read(dir, "t10k", limit));
            }
            if (!bundledOnly && isIdxDir(DEBIAN_DIR)) {
                return new Source(DEBIAN_DIR + " (full dataset)", read(DEBIAN_DIR, "train", limit),
                        read(DEBIAN_DIR, "t10k", limit));
            }
            return new Source("bundled subset (6,000 train + 1,000 test)", bundled("train", limit),
                    bundled("t10k", limit));
        } catch (IOException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private static IdxImages read(Path dir, String prefix, int limit) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte").orElseThrow(() -> new UsageException(
                "no " + prefix + "-images-idx3-ubyte[.gz] in " + dir + " (expected Fashion-MNIST IDX files)"));
        Path labels = find(dir, prefix + "-labels-idx1-ubyte").orElseThrow(() -> new UsageException(
                "no " + prefix + "-labels-idx1-ubyte[.gz] in " + dir + " (expected Fashion-MNIST IDX files)"));
        try (InputStream img = Files.newInputStream(images); InputStream lab = Files.newInputStream(labels)) {
            return IdxImages.read(img, lab, limit, images.toString());
        }
    }

    private static IdxImages bundled(String prefix, int limit) throws IOException {
        try (InputStream img = resource(prefix + "-images-idx3-ubyte.gz");
                InputStream lab = resource(prefix + "-labels-idx1-ubyte.gz")) {
            return IdxImages.read(img, lab, limit, "bundled " + prefix);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = FashionMnist.class.getResourceAsStream(BUNDLED + name);
        if (in == null) {
            throw new IOException("bundled Fashion-MNIST file " + name + " is missing from the jar");
        }
        return in;
    }

    private static Optional<Path> find(Path dir, String base) {
        for (String name : List.of(base + ".gz", base, base.replace("-idx", ".idx"))) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
