package io.streamaug.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host part of a benchmark's report: the CPU with its kernel flags, and only the variables that steer native code. */
class HostInfoTest {
    @Test
    void theCpuNamesItsModelAndOnlyTheKernelFlagsItHas() {
        Map<String, Object> cpu = HostInfo.cpu();
        assertThat(cpu.get("logical_cpus")).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(cpu.get("model").toString()).isNotBlank();
        if (cpu.containsKey("kernel_flags")) {
            assertThat((List<?>) cpu.get("kernel_flags")).allMatch(HostInfo.KERNEL_FLAGS::contains);
        }
    }

    @Test
    void onlyTheVariablesThatSteerNativeThreadsAndKernelsAreKept() {
        Map<String, String> env = Map.of("OMP_NUM_THREADS", "1", "OPENBLAS_CORETYPE", "Haswell", "OPENCV_FOR_THREADS_NUM", "1",
                "JSIMD_FORCESSE2", "1", "STREAMAUG_JPEG_DECODER", "opencv", "HOME", "/root", "STREAMAUG_RUNS", "/tmp/r");
        assertThat(HostInfo.steering(env)).containsOnlyKeys("OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENCV_FOR_THREADS_NUM",
                "JSIMD_FORCESSE2", "STREAMAUG_JPEG_DECODER");
    }
}
