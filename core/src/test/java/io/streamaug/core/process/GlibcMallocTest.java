package io.streamaug.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GlibcMallocTest {
    @Test
    void fixesBothThresholdsTrimAboveMmap() {
        Map<String, String> env = GlibcMalloc.tuned(Map.of("HOME", "/root"));
        assertThat(env).containsOnlyKeys("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_");
        assertThat(Long.parseLong(env.get("MALLOC_TRIM_THRESHOLD_"))).isGreaterThan(Long.parseLong(env.get("MALLOC_MMAP_THRESHOLD_")));
        // Photographs up to 4032×3024×3 (36 MB) decode into heap blocks.
        assertThat(Long.parseLong(env.get("MALLOC_MMAP_THRESHOLD_"))).isGreaterThan(4032L * 3024 * 3);
    }

    @Test
    void aThresholdTheCallerSetsIsLeftToTheCaller() {
        assertThat(GlibcMalloc.tuned(Map.of("MALLOC_MMAP_THRESHOLD_", "1048576"))).containsOnlyKeys("MALLOC_TRIM_THRESHOLD_");
    }
}
