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
 * waiting and the committed offsets did not move; each stall of 2 s or more is kept with the last
 * fault before its end.
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
    private final Thread thread;
    private volatile boolean stopping;
    private volatile String lastFault = "the start";
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

    /** Says which fault came last, for the stalls that follow it. */
    void fault(String what) {
        lastFault = what;
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
        double open = (System.nanoTime() - lastProgress) / 1e9;
        if (open >= 2) {
            all.add(new Stall(seconds(lastProgress), open, lastFault));
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

    private void loop() {
        Map<TopicPartition, OffsetSpec> latest = null;
        while (!stopping) {
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
                observe(sum, waiting);
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

    private synchronized void observe(long sum, long waiting) {
        long now = System.nanoTime();
        boolean progressed = sum > committed || waiting == 0;
        committed = Math.max(committed, sum);
        lag = waiting;
        if (progressed) {
            double stalled = (now - lastProgress) / 1e9;
            if (stalled >= 2) {
                stalls.add(new Stall(seconds(lastProgress), stalled, lastFault));
            }
            lastProgress = now;
        }
    }

    /** The stalls as JSON-ready maps, longest first. */
    List<Map<String, Object>> report() {
        List<Map<String, Object>> out = new ArrayList<>();
        stalls().stream().sorted((a, b) -> Double.compare(b.seconds(), a.seconds())).forEach(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start_s", Math.round(s.startS() * 10) / 10.0);
            m.put("seconds", Math.round(s.seconds() * 10) / 10.0);
            m.put("after", s.after());
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
