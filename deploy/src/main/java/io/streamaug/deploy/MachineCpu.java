package io.streamaug.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU use from Linux's {@code /proc/stat}: how busy all its cores were between
 * two readings, so that a benchmark can say when a run had the machine to itself and when every
 * core was taken (a worker, its broker and the benchmark sharing two cores). The figures are the
 * machine's, all its cores, even where a container limits the JVM to fewer.
 */
final class MachineCpu {
    private static final Path STAT = Path.of("/proc/stat");

    private MachineCpu() {
    }

    /** The machine's cores as {@code /proc/stat} counts them (its {@code cpuN} lines); this JVM's processors where it cannot be read. */
    static int cores() {
        try {
            int cores = countCores(Files.readAllLines(STAT));
            return cores > 0 ? cores : Runtime.getRuntime().availableProcessors();
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The {@code cpuN} lines of {@code /proc/stat}. */
    static int countCores(java.util.List<String> stat) {
        return (int) stat.stream().filter(line -> line.matches("cpu\\d+\\s.*")).count();
    }

    /** {busy, total} clock ticks over all cores since boot; {0, 0} where {@code /proc/stat} cannot be read. */
    static long[] read() {
        try {
            return parse(Files.readAllLines(STAT).get(0));
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    /**
     * {busy, total} from the aggregate {@code cpu} line: user, nice, system, idle, iowait, irq,
     * softirq, steal (guest time is already inside user); idle and iowait are the idle part.
     */
    static long[] parse(String cpuLine) {
        String[] fields = cpuLine.trim().split("\\s+");
        if (!fields[0].equals("cpu") || fields.length < 9) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + cpuLine);
        }
        long total = 0;
        for (int i = 1; i <= 8; i++) {
            total += Long.parseLong(fields[i]);
        }
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new long[] {total - idle, total};
    }

    /** The share of all cores' time that was busy between two readings, 0..1; NaN when either reading failed or no time passed. */
    static double busy(long[] before, long[] after) {
        long total = after[1] - before[1];
        return before[1] <= 0 || after[1] <= 0 || total <= 0 ? Double.NaN : (after[0] - before[0]) / (double) total;
    }
}
