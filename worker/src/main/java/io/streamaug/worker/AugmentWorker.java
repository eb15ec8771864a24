package io.streamaug.worker;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One augment worker instance: a Kafka Streams client with an explicit lifecycle. Instances with
 * the same application id share the input partitions; start another to scale out.
 */
public final class AugmentWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AugmentWorker.class);

    /** A stream thread may be replaced this often within {@link #REPLACEMENT_WINDOW} before the worker stops. */
    static final int MAX_THREAD_REPLACEMENTS = 5;
    static final java.time.Duration REPLACEMENT_WINDOW = java.time.Duration.ofMinutes(5);

    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable fatal;

    public AugmentWorker(Topology topology, Properties config) {
        TopologyDescription description = topology.describe();
        LOG.info("augment topology:\n{}", description);
        if (keepsState(description)) {
            RocksDbLibrary.load(); // before Streams opens a store and RocksDB extracts a copy of its own
        }
        this.streams = new KafkaStreams(topology, config);
        streams.setStateListener((now, before) -> {
            LOG.info("augment worker {} → {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                running.countDown();
                stopped.countDown();
            }
        });
        FailurePolicy policy = new FailurePolicy(MAX_THREAD_REPLACEMENTS, REPLACEMENT_WINDOW);
        streams.setUncaughtExceptionHandler(e -> {
            // Bad records never get here (they go to the dead-letter topic).
            FailurePolicy.Decision decision = policy.decide(e, System.nanoTime());
            if (decision.response() == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT) {
                fatal = e;
                if (FailurePolicy.refusedAccess(e)) {
                    // A configuration matter: whoever runs the worker reports failure() in one line.
                    LOG.info("augment worker stopping: {}", decision.reason());
                } else {
                    LOG.error("augment worker stopping: {}", decision.reason(), e);
                }
            } else {
                LOG.warn("augment worker: {}", decision.reason());
            }
            return decision.response();
        });
    }

    /** Whether the topology has a store (RocksDB's, unless the store says otherwise). */
    private static boolean keepsState(TopologyDescription description) {
        return !description.globalStores().isEmpty() || description.subtopologies().stream()
                .flatMap(subtopology -> subtopology.nodes().stream())
                .anyMatch(node -> node instanceof TopologyDescription.Processor processor && !processor.stores().isEmpty());
    }

    public AugmentWorker start() {
        streams.start();
        return this;
    }

    /**
     * Starts the worker, and once it has committed for the first time says so in one line to
     * {@code log}, with {@code clock}'s phases until then: the group join, the state restore and the
     * tasks' start, then the first records up to the first commit.
     */
    public AugmentWorker start(StartupClock clock, Consumer<String> log) {
        RestoreTimer restore = new RestoreTimer();
        streams.setGlobalStateRestoreListener(restore);
        clock.phase("Streams set-up");
        streams.start();
        Thread watch = new Thread(() -> {
            try {
                running.await();
                if (streams.state() != KafkaStreams.State.RUNNING) {
                    return;
                }
                clock.phase("group join, restore and task start");
                restore.report(clock);
                while (commits() == 0) {
                    if (stopped.await(50, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
                clock.phase("first records to first commit");
                log.accept(String.format(Locale.ROOT, "augment worker ready in %.1f s (its first commit): %s",
                        clock.elapsed(), clock.breakdown()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "streamaug-worker-startup");
        watch.setDaemon(true);
        watch.start();
        return this;
    }

    /** Commits this instance's stream threads have made, each of at least one task's work. */
    public long commits() {
        double total = 0;
        for (var entry : streams.metrics().entrySet()) {
            if (entry.getKey().name().equals("commit-total") && entry.getKey().group().equals("stream-thread-metrics")
                    && entry.getValue().metricValue() instanceof Number number && Double.isFinite(number.doubleValue())) {
                total += number.doubleValue();
            }
        }
        return (long) total;
    }

    /** The wall time from the first store restore's start to the last one's end, and the records restored. */
    private static final class RestoreTimer implements StateRestoreListener {
        private boolean started;
        private long first;
        private long last;
        private long records;

        @Override
        public synchronized void onRestoreStart(TopicPartition partition, String store,
                long startingOffset, long endingOffset) {
            if (!started) {
                started = true;
                first = System.nanoTime();
            }
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset,
                long restored) {
        }

        @Override
        public synchronized void onRestoreEnd(TopicPartition partition, String store,
                long restored) {
            last = System.nanoTime();
            records += restored;
        }

        synchronized void report(StartupClock clock) {
            if (started && last > first) {
                clock.part("state restore of " + records + " records", (last - first) / 1_000_000);
            }
        }
    }

    /** Waits until the worker is running (partitions assigned) or has failed. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Blocks until the worker stops. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The error that stopped the worker, if any. */
    public Throwable failure() {
        return fatal;
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        // Leave the group as we go, static member or not: the others take the partitions over at once
        // instead of after the session timeout (a scale-down or a rolling restart).
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        stopped.countDown();
    }
}
