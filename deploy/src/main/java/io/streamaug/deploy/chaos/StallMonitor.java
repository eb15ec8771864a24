package io.streamaug.deploy.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches the workers' progress from outside, as an operator would: twice a second, the offsets
 * the application has committed on its input topics. A stall is a stretch during which input was
 * waiting and the committed offsets did not move, counted from the workers' first commit (before
 * it they are starting up); each stall of 2 s or more is kept with the faults that led into it.
 */
final class StallMonitor implements AutoCloseable {
    /** One stall: when it began (seconds since the monitor started), how long it lasted, and the fault before it. */
    record Stall(double startS, double seconds, String after) {
    }

    private final Admin admin;
    private final String groupId;
    private final List<String> inputs;
    private final long started = System.nanoTime();
    private final List<Stall> stalls = new ArrayList<>();
    private final List<Stall> partitionStalls = new ArrayList<>();
    private final Map<TopicPartition, long[]> partitions = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private final CommitProgress progress = new CommitProgress();
    private final List<long[]> faultTimes = new ArrayList<>();
    private final List<String> faultNames = new ArrayList<>();
    private long firstProgress;
    private volatile long committed;
    private volatile long lag = -1;
    private long lastProgress = System.nanoTime();

    StallMonitor(Properties client, String groupId, List<String> inputs) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        this.admin = Admin.create(props);
        this.groupId = groupId;
        this.inputs = List.copyOf(inputs);
        this.thread = new Thread(this::loop, "chaos-stall-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    /** Notes a fault as it happens, so that the stalls around it name it. */
    synchronized void fault(String what) {
        faultTimes.add(new long[] {System.nanoTime()});
        faultNames.add(what);
    }

    /** Seconds from the monitor's start to the workers' first commit (-1: none yet): their start-up, not a stall. */
    synchronized double startup() {
        return firstProgress == 0 ? -1 : seconds(firstProgress);
    }

    /** The faults from 2 s before {@code from} to {@code to}, or "no fault". */
    private String faultsBetween(long from, long to) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < faultTimes.size(); i++) {
            long at = faultTimes.get(i)[0];
            if (at >= from - 2_000_000_000L && at <= to) {
                names.add(faultNames.get(i));
            }
        }
        return names.isEmpty() ? "no fault" : String.join("; ", names);
    }

    /** Input records the workers have committed as processed, as last seen. */
    long committed() {
        return committed;
    }

    /** Input records waiting, as last seen (-1: not yet known). */
    long lag() {
        return lag;
    }

    synchronized List<Stall> stalls() {
        List<Stall> all = new ArrayList<>(stalls);
        long now = System.nanoTime();
        double open = (now - lastProgress) / 1e9;
        if (firstProgress != 0 && open >= 2) {
            all.add(new Stall(seconds(lastProgress), open, faultsBetween(lastProgress, now)));
        }
        return all;
    }

    /** The longest stall so far, in seconds. */
    double longest() {
        return stalls().stream().mapToDouble(Stall::seconds).max().orElse(0);
    }

    private double seconds(long at) {
        return (at - started) / 1e9;
    }

    /** Whether the application has made progress since {@code since} (nanoTime): see {@link CommitProgress#since}. */
    boolean progressedSince(long since) {
        return progress.since(since);
    }

    private void loop() {
        Map<TopicPartition, OffsetSpec> latest = null;
        while (!stopping) {
            long at = System.nanoTime();
            try {
                if (latest == null) {
                    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
                    admin.describeTopics(inputs).allTopicNames().get(3, TimeUnit.SECONDS).forEach((name, d) ->
                            d.partitions().forEach(p -> specs.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                    latest = specs;
                }
                Map<TopicPartition, Long> ends = new HashMap<>();
                admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
                Map<TopicPartition, OffsetAndMetadata> done = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(3, TimeUnit.SECONDS);
                long sum = 0;
                long waiting = 0;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    OffsetAndMetadata offset = done.get(end.getKey());
                    long position = offset == null ? 0 : offset.offset();
                    sum += position;
                    waiting += Math.max(0, end.getValue() - position);
                }
                observe(at, sum, waiting);
                observePartitions(ends, done);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    return;
                }
                // the broker or the coordinator is away: no progress can be seen, the stall goes on
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The same, partition by partition: the application as a whole keeps committing while a killed
     * worker's own partitions wait for its replacement, and that wait is what a fault costs.
     */
    private synchronized void observePartitions(Map<TopicPartition, Long> ends, Map<TopicPartition, OffsetAndMetadata> done) {
        long now = System.nanoTime();
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata offset = done.get(end.getKey());
            long position = offset == null ? 0 : offset.offset();
            long[] seen = partitions.computeIfAbsent(end.getKey(), tp -> new long[] {position, now});
            if (position > seen[0] || position >= end.getValue()) {
                double stalled = (now - seen[1]) / 1e9;
                if (firstProgress != 0 && stalled >= 2) {
                    partitionStalls.add(new Stall(seconds(seen[1]), stalled, end.getKey() + ": " + faultsBetween(seen[1], now)));
                }
                seen[0] = position;
                seen[1] = now;
            }
        }
    }

    /** The longest wait of any one partition with input waiting, in seconds (read once every partition has caught up). */
    synchronized double longestPartitionStall() {
        return partitionStalls.stream().mapToDouble(Stall::seconds).max().orElse(0);
    }

    /** The partitions' stalls as JSON-ready maps, the ten longest. */
    synchronized List<Map<String, Object>> partitionReport() {
        return asMaps(partitionStalls, "partition_and_faults", 10);
    }

    private synchronized void observe(long at, long sum, long waiting) {
        progress.add(at, sum, waiting);
        long now = System.nanoTime();
        boolean progressed = sum > committed || waiting == 0;
        committed = Math.max(committed, sum);
        lag = waiting;
        if (progressed) {
            if (firstProgress == 0) {
                firstProgress = sum > 0 ? now : 0; // before the first commit the workers are starting, not stalled
            } else {
                double stalled = (now - lastProgress) / 1e9;
                if (stalled >= 2) {
                    stalls.add(new Stall(seconds(lastProgress), stalled, faultsBetween(lastProgress, now)));
                }
            }
            lastProgress = now;
        }
    }

    /** The stalls as JSON-ready maps, longest first. */
    List<Map<String, Object>> report() {
        return asMaps(stalls(), "after", Integer.MAX_VALUE);
    }

    private static List<Map<String, Object>> asMaps(List<Stall> stalls, String afterKey, int most) {
        List<Map<String, Object>> out = new ArrayList<>();
        stalls.stream().sorted((a, b) -> Double.compare(b.seconds(), a.seconds())).limit(most).forEach(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start_s", Math.round(s.startS() * 10) / 10.0);
            m.put("seconds", Math.round(s.seconds() * 10) / 10.0);
            m.put(afterKey, s.after());
            out.add(m);
        });
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(10_000);
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
