package io.streamaug.deploy.chaos;

import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.Topics;
import io.streamaug.trainer.source.Buffered;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What the prepared topics of one topic set hold, read {@code read_committed} from the start:
 * every (dataset, split, id, epoch, repeat) with a digest of its value bytes and how many times it
 * came, and the trainer's fingerprint of the train records it should train — the sum of
 * {@link Buffered#fingerprint()} over their (partition, offset), as the trainer's audit sums it.
 */
public final class Delivery {
    private final Map<String, String> digests = new HashMap<>();
    private final Map<String, Integer> copies = new HashMap<>();
    private long records;
    private long unreadable;
    private long conflictingCopies;
    private long trainRecords;
    private long trainFingerprint;

    private Delivery() {
    }

    /** Records read, duplicates included. */
    public long records() {
        return records;
    }

    /** Distinct (dataset, split, id, epoch, repeat). */
    public int distinct() {
        return digests.size();
    }

    /** Values that are not prepared records at all. */
    public long unreadable() {
        return unreadable;
    }

    /** Train records of the trainer's dataset, duplicates included. */
    public long trainRecords() {
        return trainRecords;
    }

    /** The fingerprint a trainer that trained each of them exactly once reports. */
    public long trainFingerprint() {
        return trainFingerprint;
    }

    /**
     * Reads the augmented train, prepared val and prepared test topics of {@code topics} to their
     * ends, after waiting (up to {@code settle}) until no transaction is open on them, so that the
     * end read is final.
     *
     * @param trainDataset the dataset whose train records the trainer trains (its fingerprint)
     */
    public static Delivery read(Properties client, Topics topics, String trainDataset, Duration settle)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = List.of(topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest());
        Map<TopicPartition, Long> ends = settledEnds(client, names, settle);
        Delivery delivery = new Delivery();
        MessageDigest sha = sha256();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaOptions.readerProperties(client))) {
            List<TopicPartition> pending = new ArrayList<>(ends.keySet());
            pending.removeIf(tp -> ends.get(tp) == 0);
            consumer.assign(pending);
            consumer.seekToBeginning(pending);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("could not read " + names + " to their ends within 5 minutes");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        delivery.add(record, topics.augmentedTrain(), trainDataset, sha);
                    }
                }
                pending.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
                consumer.assign(pending);
            }
        }
        return delivery;
    }

    private void add(ConsumerRecord<String, byte[]> record, String trainTopic, String trainDataset, MessageDigest sha) {
        records++;
        PreparedSample sample;
        try {
            sample = PreparedCodec.decode(record.value());
        } catch (RuntimeException e) {
            unreadable++;
            return;
        }
        String key = sample.dataset() + "/" + sample.split().name().toLowerCase(java.util.Locale.ROOT) + "/" + sample.id()
                + "/" + sample.epoch() + "/" + sample.repeat();
        byte[] digest = sha.digest(record.value());
        String hex = HexFormat.of().formatHex(digest, 0, 16);
        String first = digests.putIfAbsent(key, hex);
        copies.merge(key, 1, Integer::sum);
        if (first != null && !first.equals(hex)) {
            conflictingCopies++; // a duplicate with other bytes: a duplicate, and a mismatch too
        }
        if (record.topic().equals(trainTopic) && sample.dataset().equals(trainDataset)) {
            trainRecords++;
            trainFingerprint += new Buffered(record.partition(), record.offset(), new byte[0], null).fingerprint();
        }
    }

    /** The outcome of comparing a run's delivery with the reference's. */
    public record Verdict(long expected, long delivered, long lost, long duplicated, long bytesMismatched, long unexpected,
            long unreadable, List<String> examples) {
        public boolean allDelivered() {
            return delivered == expected && lost == 0 && duplicated == 0 && bytesMismatched == 0 && unexpected == 0
                    && unreadable == 0;
        }
    }

    /** Compares this delivery with {@code reference}: each of its records exactly once, with its bytes. */
    public Verdict against(Delivery reference) {
        long lost = 0;
        long mismatched = 0;
        long duplicated = 0;
        long unexpected = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, String> expected : reference.digests.entrySet()) {
            String got = digests.get(expected.getKey());
            if (got == null) {
                lost++;
                note(examples, "lost " + expected.getKey());
            } else if (!got.equals(expected.getValue())) {
                mismatched++;
                note(examples, "bytes differ: " + expected.getKey());
            }
        }
        for (Map.Entry<String, Integer> seen : copies.entrySet()) {
            duplicated += seen.getValue() - 1;
            if (seen.getValue() > 1) {
                note(examples, seen.getValue() + " copies of " + seen.getKey());
            }
            if (!reference.copies.containsKey(seen.getKey())) {
                unexpected++;
                note(examples, "not in the reference: " + seen.getKey());
            }
        }
        mismatched += conflictingCopies;
        long delivered = copies.keySet().stream().filter(reference.copies::containsKey).count();
        return new Verdict(reference.copies.size(), delivered, lost, duplicated, mismatched, unexpected, unreadable,
                examples);
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < 10) {
            examples.add(example);
        }
    }

    /**
     * The topics' end offsets once no transaction is open on them: while a transaction is open
     * (a killed worker's, until its successor fences it or the broker aborts it) a read-committed
     * reader stops before it, and what it read would not be final.
     */
    static Map<TopicPartition, Long> settledEnds(Properties client, List<String> names, Duration settle)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + settle.toNanos();
        try (Admin admin = Admin.create(client)) {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                    description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            while (true) {
                Map<TopicPartition, Long> committed = ends(admin, latest, IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, Long> written = ends(admin, latest, IsolationLevel.READ_UNCOMMITTED);
                if (committed.equals(written)) {
                    return committed;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("transactions still open on " + names + " after " + settle.toSeconds()
                            + " s (read-committed ends " + committed + ", written ends " + written + ")");
                }
                Thread.sleep(500);
            }
        }
    }

    private static Map<TopicPartition, Long> ends(Admin admin, Map<TopicPartition, OffsetSpec> latest, IsolationLevel level)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(level)).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
