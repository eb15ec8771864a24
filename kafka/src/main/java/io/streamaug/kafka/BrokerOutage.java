package io.streamaug.kafka;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether a Kafka client (or a Kafka Streams instance's clients) can reach any broker, told by the
 * clients' own {@code connection-count} metrics: a consumer that is up always holds a connection
 * (fetching or heartbeating), and none survives the broker going away. While no connection is
 * open, {@link #check} gives a line every {@link #REPEAT_SECONDS} seconds saying so; the clients
 * retry on their own and work resumes when the broker returns.
 */
public final class BrokerOutage {
    /** How often the line repeats while no broker is reachable, and how long an outage lasts before the first. */
    public static final int REPEAT_SECONDS = 5;

    private final String bootstrapServers;
    private final String resumes;
    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private long lastConnected;
    private long lastSaid;
    private boolean said;
    private boolean connected = true;
    private long reconnectedAt;

    /**
     * @param resumes what happens when the broker returns, for the line: e.g. "work resumes where it was committed"
     */
    public BrokerOutage(String bootstrapServers, String resumes, Supplier<Map<MetricName, ? extends Metric>> metrics,
            long nowNanos) {
        this.bootstrapServers = bootstrapServers;
        this.resumes = resumes;
        this.metrics = metrics;
        this.lastConnected = nowNanos;
    }

    /** Open connections to brokers, over every client whose metrics this reads. */
    public long connections() {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.get().entrySet()) {
            if (entry.getKey().name().equals("connection-count")
                    && entry.getValue().metricValue() instanceof Number number && Double.isFinite(number.doubleValue())) {
                total += number.doubleValue();
            }
        }
        return (long) total;
    }

    /**
     * The line to log now, if any: while no broker has been reachable for {@link #REPEAT_SECONDS} s,
     * one every {@link #REPEAT_SECONDS} s; and one when the connection comes back after such a line.
     */
    public Optional<String> check(long nowNanos) {
        boolean wasConnected = connected;
        connected = connections() > 0;
        if (connected) {
            lastConnected = nowNanos;
            if (!wasConnected) {
                reconnectedAt = nowNanos;
            }
            if (said) {
                said = false;
                return Optional.of("broker " + bootstrapServers + " reachable again; resuming");
            }
            return Optional.empty();
        }
        long down = TimeUnit.NANOSECONDS.toSeconds(nowNanos - lastConnected);
        if (down < REPEAT_SECONDS || (said && nowNanos - lastSaid < TimeUnit.SECONDS.toNanos(REPEAT_SECONDS))) {
            return Optional.empty();
        }
        said = true;
        lastSaid = nowNanos;
        return Optional.of("broker " + bootstrapServers + " unreachable for " + down + " s; retrying (nothing is lost: "
                + resumes + ")");
    }

    /** Whether the last {@link #check} found a connection. */
    public boolean connected() {
        return connected;
    }

    /** When a {@link #check} last found a connection after one that found none (nanos; 0: never). */
    public long reconnectedAt() {
        return reconnectedAt;
    }

    /** True while a line said the broker is unreachable and none yet said it is back. */
    public boolean unreachable() {
        return said;
    }
}
