package io.streamaug.worker;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A worker's metrics: every Kafka Streams, consumer and producer metric (process rate and latency,
 * records lag, sends…) through Micrometer, plus the dead-letter count, served for Prometheus at
 * {@code /metrics} when a port is given; and a one-line progress log every few seconds.
 */
public final class WorkerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streamsMetrics;
    private final KafkaStreams streams;
    private final AtomicLong deadLetters;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamaug-worker-progress");
        t.setDaemon(true);
        return t;
    });
    private HttpServer server;
    private long lastProcessed;
    private long lastNanos = System.nanoTime();

    public WorkerMetrics(KafkaStreams streams, AtomicLong deadLetters) {
        this.streams = streams;
        this.deadLetters = deadLetters;
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        FunctionCounter.builder("streamaug.dead.letters", deadLetters, AtomicLong::get)
                .description("records sent to the dead-letter topic").register(registry);
    }

    /** Serves {@code /metrics} on the port (0: a free one); returns the port. */
    public int serve(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    /** Logs a progress line every {@code seconds} seconds. */
    public void logEvery(int seconds, Consumer<String> log) {
        timer.scheduleAtFixedRate(() -> log.accept(progressLine()), seconds, seconds, TimeUnit.SECONDS);
    }

    /** Records processed so far by this instance's stream threads. */
    public long processed() {
        return sum("process-total", "stream-thread-metrics", false);
    }

    /** Records waiting in the partitions this instance consumes. */
    public long lag() {
        return sum("records-lag", "consumer-fetch-manager-metrics", true);
    }

    String progressLine() {
        long processed = processed();
        long now = System.nanoTime();
        double rate = (processed - lastProcessed) / ((now - lastNanos) / 1e9);
        lastProcessed = processed;
        lastNanos = now;
        return String.format(Locale.ROOT, "augment: %d records processed (%.0f/s), %d dead letters, lag %d, state %s",
                processed, rate, deadLetters.get(), lag(), streams.state());
    }

    private long sum(String name, String group, boolean perPartition) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            MetricName metric = entry.getKey();
            if (metric.name().equals(name) && metric.group().equals(group)
                    && (!perPartition || metric.tags().containsKey("partition"))) {
                Object value = entry.getValue().metricValue();
                if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
                    total += number.doubleValue();
                }
            }
        }
        return (long) total;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (server != null) {
            server.stop(0);
        }
        streamsMetrics.close();
        registry.close();
    }
}
