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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import io.streamaug.kafka.BrokerOutage;
import io.streamaug.kafka.ConsumerLag;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A worker's metrics: every Kafka Streams, consumer and producer metric (process rate and latency,
 * records lag, sends…) through Micrometer, plus the dead-letter count, served for Prometheus at
 * {@code /metrics} when a port is given; a one-line progress log every few seconds, whose lag is
 * the application id's over its input topics ({@link ConsumerLag}); and, while no broker is
 * reachable, a line saying so every few seconds instead ({@link BrokerOutage}).
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
    private final Properties client;
    private final String applicationId;
    private final List<String> inputTopics;
    private final BrokerOutage outage;
    private Admin admin;
    private HttpServer server;
    private long lastProcessed;
    private long lastNanos = System.nanoTime();

    /** The metrics of {@code worker}, built from {@code setup}; {@code deadLetters} counts its dead letters. */
    public WorkerMetrics(AugmentWorker worker, AtomicLong deadLetters, WorkerSetup setup) {
        this.streams = worker.streams();
        this.deadLetters = deadLetters;
        this.client = setup.client();
        this.applicationId = setup.applicationId();
        this.inputTopics = setup.inputTopics();
        this.outage = new BrokerOutage(String.valueOf(client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)),
                "work resumes where it was committed", streams::metrics, System.nanoTime());
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

    /**
     * Logs a progress line every {@code seconds} seconds (0: never) while a broker is reachable, and
     * the {@link BrokerOutage} lines every few seconds while none is.
     */
    public void logEvery(int seconds, Consumer<String> log) {
        AtomicLong ticks = new AtomicLong();
        timer.scheduleAtFixedRate(() -> {
            try {
                if (!streams.state().isRunningOrRebalancing()) {
                    return; // starting or stopping: its clients hold no connection, and no broker is at fault
                }
                outage.check(System.nanoTime()).ifPresent(log);
                if (seconds > 0 && ticks.incrementAndGet() % seconds == 0 && !outage.unreachable()
                        && outage.connections() > 0) {
                    log.accept(progressLine());
                }
            } catch (RuntimeException e) {
                log.accept("augment: no progress line (" + e + ")"); // a thrown exception would end the schedule
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Records processed so far by this instance's stream threads. */
    public long processed() {
        return sum("process-total", "stream-thread-metrics");
    }

    /**
     * Records of the input topics the application id has not yet processed (committed), over every
     * instance; -1 when the brokers do not answer within a few seconds.
     */
    public synchronized long lag() {
        if (admin == null) {
            Properties props = new Properties();
            props.putAll(client);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, applicationId + "-progress");
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            admin = Admin.create(props);
        }
        try {
            return ConsumerLag.of(admin, applicationId, inputTopics);
        } catch (ExecutionException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String progressLine() {
        long processed = processed();
        long now = System.nanoTime();
        double rate = (processed - lastProcessed) / ((now - lastNanos) / 1e9);
        lastProcessed = processed;
        lastNanos = now;
        long lag = lag();
        return String.format(Locale.ROOT, "augment: %d records processed (%.0f/s), %d dead letters, lag %s, state %s",
                processed, rate, deadLetters.get(), lag < 0 ? "unknown" : Long.toString(lag), streams.state());
    }

    private long sum(String name, String group) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            MetricName metric = entry.getKey();
            if (metric.name().equals(name) && metric.group().equals(group)) {
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
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        }
        if (server != null) {
            server.stop(0);
        }
        streamsMetrics.close();
        registry.close();
    }
}
