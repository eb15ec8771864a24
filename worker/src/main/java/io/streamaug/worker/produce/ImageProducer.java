package io.streamaug.worker.produce;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.datasets.IdxImages;
import io.streamaug.datasets.ImageFolder;
import io.streamaug.augment.image.IdxPngEncoder;
import io.streamaug.augment.image.ImageDecoder;
import io.streamaug.augment.image.ImageLimits;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.Progress;
import io.streamaug.core.cli.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.producer.Producer;


/**
 * Writes a dataset as raw image records: PNG (or the files' own encoding) with label, split,
 * dataset, content-type and epoch headers; the dataset's definition to the datasets topic first.
 * IDX training data is split into train and val by a seeded fraction; an image folder's files
 * without a split folder go to test, val or train by a seeded hash of their id, so each file's
 * split depends on nothing but its id and the seed. Each epoch replays the train split in a fresh
 * order.
 */
public final class ImageProducer {
    /**
     * How to split and replay.
     *
     * @param testFraction share of an image folder's files (those under no split folder) sent as
     *                     split test; a source with its own test split (IDX files, a test/ folder) ignores it
     */
    public record Plan(String dataset, double valFraction, double testFraction, long seed, int epochs) {
        public Plan {
            if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
                throw new IllegalArgumentException("--val-fraction and --test-fraction must be ≥ 0 and sum to less than 1,"
                        + " got " + valFraction + " and " + testFraction);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
            }
        }

        /** A plan without a test fraction (IDX files bring their test split). */
        public Plan(String dataset, double valFraction, long seed, int epochs) {
            this(dataset, valFraction, 0, seed, epochs);
        }
    }

    private final Topics topics;
    private final RawRecordSender sender;

    public ImageProducer(Producer<String, byte[]> producer, Topics topics) {
        OpenCv.load();
        this.topics = topics;
        this.sender = new RawRecordSender(producer, topics);
    }

    /** Produces Fashion-MNIST: its train file split into train/val, its test file as test. */
    public ProduceSummary produce(FashionMnist.Source source, Plan plan) {
        IdxImages train = source.train();
        IdxImages test = source.test();
        List<String> classes = FashionMnist.CLASSES;
        for (IdxImages set : List.of(train, test)) {
            for (int i = 0; i < set.count(); i++) {
                if (set.label(i) >= classes.size()) {
                    throw new UsageException("label " + set.label(i) + " of image " + i + " is outside the class map 0.."
                            + (classes.size() - 1) + " of " + plan.dataset());
                }
            }
        }
        DatasetInfo info = new DatasetInfo(plan.dataset(), classes, 1, train.height(), train.width());
        try (IdxPngEncoder trainPng = new IdxPngEncoder(train); IdxPngEncoder testPng = new IdxPngEncoder(test)) {
            return run(info, plan, train.count(), null,
                    i -> new RawImage(id(plan.dataset(), "train", i), trainPng.encode(i), train.label(i), Split.TRAIN,
                            "image/png"),
                    test.count(),
                    i -> new RawImage(id(plan.dataset(), "test", i), testPng.encode(i), test.label(i), Split.TEST,
                            "image/png"));
        }
    }

    /**
     * Produces an ImageFolder tree as an RGB dataset; files the workers' {@link ImageDecoder}
     * refuses (not an image, truncated, a decompression bomb) are reported and skipped. Gray,
     * transparent, 16-bit and CMYK images are kept: the decoder converts them to RGB.
     */
    public ProduceSummary produce(ImageFolder folder, Plan plan) {
        boolean hasVal = folder.entries().stream().anyMatch(e -> e.split() == Split.VAL);
        boolean hasTest = folder.entries().stream().anyMatch(e -> e.split() == Split.TEST);
        double valFraction = hasVal ? 0 : plan.valFraction();
        double testFraction = hasTest ? 0 : plan.testFraction();
        List<ImageFolder.Entry> trainEntries = new ArrayList<>();
        List<ImageFolder.Entry> fixed = new ArrayList<>();
        for (ImageFolder.Entry e : folder.entries()) {
            if (e.split() == Split.VAL || e.split() == Split.TEST) {
                fixed.add(e);
                continue;
            }
            Split split = SplitPlan.byHash(id(e), valFraction, testFraction, plan.seed());
            if (split == Split.TRAIN) {
                trainEntries.add(e);
            } else {
                fixed.add(new ImageFolder.Entry(e.file(), e.label(), split));
            }
        }
        DatasetInfo info = new DatasetInfo(plan.dataset(), folder.classes(), 3, 0, 0);
        List<String> skipped = new ArrayList<>();
        Plan effective = new Plan(plan.dataset(), 0, 0, plan.seed(), plan.epochs()); // the splits are assigned above
        try (ImageDecoder decoder = new ImageDecoder(info.channels(), ImageLimits.DEFAULT)) {
            return run(info, effective, trainEntries.size(), skipped,
                    i -> readFile(decoder, trainEntries.get(i), Split.TRAIN, skipped),
                    fixed.size(), i -> readFile(decoder, fixed.get(i), fixed.get(i).split(), skipped));
        }
    }

    /** An image file's record id: its class folder and file name. */
    private static String id(ImageFolder.Entry entry) {
        return entry.file().getParent().getFileName() + "/" + entry.file().getFileName();
    }

    private RawImage readFile(ImageDecoder decoder, ImageFolder.Entry entry, Split split, List<String> skipped) {
        try {
            byte[] bytes = Files.readAllBytes(entry.file());
            try {
                decoder.check(bytes);
            } catch (RuntimeException e) { // what the worker would dead-letter
                skipped.add(entry.file() + ": " + e.getMessage());
                return null;
            }
            return new RawImage(id(entry), bytes, entry.label(), split, ImageFolder.contentType(entry.file()));
        } catch (IOException e) {
            skipped.add(entry.file() + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * The common plan: train items (by index) split into train/val, replayed per epoch; the
     * fixed-split items (test, or an explicit val) sent once.
     */
    private ProduceSummary run(DatasetInfo info, Plan plan, int trainCount, List<String> skipped,
            IntFunction<RawImage> trainItem, int fixedCount, IntFunction<RawImage> fixedItem) {
        long started = System.nanoTime();
        sender.define(info);

        boolean[] val = SplitPlan.validationMask(trainCount, plan.valFraction(), plan.seed());
        List<Integer> valItems = SplitPlan.indices(val, true);
        List<Integer> trainItems = SplitPlan.indices(val, false);
        Map<Split, int[]> perClass = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            perClass.put(split, new int[info.classes().size()]);
        }
        long total = valItems.size() + fixedCount + (long) trainItems.size() * plan.epochs();
        try (ProgressBar bar = Progress.bar("produce " + info.name(), total, "rec")) {
            for (int i : valItems) {
                send(info, trainItem.apply(i), Split.VAL, 0, perClass, bar);
            }
            for (int i = 0; i < fixedCount; i++) {
                RawImage item = fixedItem.apply(i);
                send(info, item, item == null ? null : item.split(), 0, perClass, bar);
            }
            for (int epoch = 0; epoch < plan.epochs(); epoch++) {
                for (int i : SplitPlan.epochOrder(trainItems, plan.seed(), epoch)) {
                    send(info, trainItem.apply(i), Split.TRAIN, epoch, perClass, bar);
                }
            }
            sender.flush();
        }
        return new ProduceSummary(info, perClass, skipped == null ? List.of() : List.copyOf(skipped),
                (System.nanoTime() - started) / 1e9);
    }

    private void send(DatasetInfo info, RawImage item, Split split, int epoch, Map<Split, int[]> perClass,
            ProgressBar bar) {
        bar.step();
        if (item == null) {
            return;
        }
        sender.send(topics.rawImages(), item.id(), item.encoded(), info, item.label(), split, epoch, item.contentType());
        perClass.get(split)[item.label()]++;
    }

    static String id(String dataset, String file, int index) {
        return String.format("%s-%s-%05d", dataset, file, index);
    }

    /** Grayscale pixels → PNG bytes, reusing its native buffers. */
}
