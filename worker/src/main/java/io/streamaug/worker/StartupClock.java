package io.streamaug.worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A worker's start-up, phase by phase, from its process's start to its first commit: the one line
 * that says how long the worker took to get ready and where the time went. Phases follow one
 * another; parts ({@link #part}) are measured inside a phase or beside it, on other threads
 * (the state restore, native libraries), and are listed after the phases.
 */
public final class StartupClock {
    private final long startMillis;
    private long phaseStart;
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private final Map<String, Long> parts = new LinkedHashMap<>();

    /** A clock whose time zero is {@code startMillis} (epoch milliseconds). */
    StartupClock(long startMillis) {
        this.startMillis = startMillis;
        this.phaseStart = startMillis;
    }

    /** A clock whose time zero is this process's start (as the operating system saw it). */
    public static StartupClock sinceProcessStart() {
        long now = System.currentTimeMillis();
        long start = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(now);
        return new StartupClock(Math.min(start, now));
    }

    /** Ends the current phase, naming it, and starts the next. */
    public synchronized void phase(String name) {
        long now = System.currentTimeMillis();
        phases.merge(name, now - phaseStart, Long::sum);
        phaseStart = now;
    }

    /** Adds {@code millis} to the part {@code name} (a part measured apart from the phases). */
    public synchronized void part(String name, long millis) {
        parts.merge(name, millis, Long::sum);
    }

    /** Times {@code work} as the part {@code name}. */
    public <T> T time(String name, java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            part(name, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Seconds from time zero to now. */
    public synchronized double elapsed() {
        return (System.currentTimeMillis() - startMillis) / 1e3;
    }

    /** The phases so far, then the parts: {@code "JVM 1.2 s, specs 0.2 s; inside or beside them: OpenCV 0.4 s"}. */
    public synchronized String breakdown() {
        String line = list(phases);
        return parts.isEmpty() ? line : line + "; inside or beside them: " + list(parts);
    }

    private static String list(Map<String, Long> times) {
        List<String> items = new ArrayList<>();
        times.forEach((name, millis) -> items.add(String.format(Locale.ROOT, "%s %.1f s", name, millis / 1e3)));
        return String.join(", ", items);
    }
}
