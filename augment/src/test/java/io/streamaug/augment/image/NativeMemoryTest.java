package io.streamaug.augment.image;

import io.streamaug.core.process.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over 100k op applications, and over JPEGs through the decoder's paths:
 * no Mat is left to the garbage collector.
 * Runs {@link NativeMemorySoak} in a child JVM whose small heap is pre-touched, so the resident
 * size moves only with native memory (and never calls the GC, whose finalisers would free leaked
 * Mats and hide the leak).
 */
class NativeMemoryTest {

    @Test
    void residentSizeIsFlatOver100kOps() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/self/status"))).as("Linux /proc").isTrue();
        Process process = ChildJvm.main(NativeMemorySoak.class).heap("96m")
                .jvmOptions("-Xms96m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .args("4000", "100000").start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String line = output.lines().filter(l -> l.startsWith("rss_kb ")).findFirst().orElseThrow();
        String[] kb = line.split(" ");
        long before = Long.parseLong(kb[1]);
        long after = Long.parseLong(kb[3]);
        // One leaked 28×28×3 Mat per op would be ~250 MB over 100k ops; flat runs move by < 12 MB here
        // (JIT code and allocator slack, not proportional to the op count).
        assertThat(after - before).as("resident growth in KB over 100k ops (%s)", line).isLessThan(32 * 1024);
        String[] jpeg = output.lines().filter(l -> l.startsWith("jpeg_rss_kb ")).findFirst().orElseThrow().split(" ");
        // One leaked decoded JPEG per sample would be ~300 MB.
        assertThat(Long.parseLong(jpeg[2]) - Long.parseLong(jpeg[1])).as("resident growth in KB over %s JPEGs",
                NativeMemorySoak.JPEG_SAMPLES).isLessThan(32 * 1024);
    }
}
