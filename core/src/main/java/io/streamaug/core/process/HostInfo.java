package io.streamaug.core.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host part of what a benchmark ran on, shared by every benchmark's report: the CPU with the
 * instruction sets that decide which SIMD kernels run (BLAS, DNN, libjpeg-turbo's), and the
 * environment variables that steer native threads and kernels. Each benchmark adds its own
 * libraries.
 */
public final class HostInfo {
    /** CPU flags that decide which BLAS, DNN and JPEG kernels run (libjpeg-turbo picks AVX2 or SSE2). */
    public static final List<String> KERNEL_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f",
            "avx512bw", "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16", "amx_bf16");
    /** Prefixes of the environment variables that steer native threads and kernels. */
    public static final List<String> STEERING = List.of("OMP_", "OPENBLAS_", "GOTO", "MKL_", "KMP_", "DNNL_", "ONEDNN_",
            "ND4J", "BLIS_", "OPENCV_", "JSIMD_", "MALLOC_", "GLIBC_TUNABLES", "JAVA_TOOL_OPTIONS", "STREAMAUG_JAVA_OPTS", "STREAMAUG_JPEG_DECODER");

    private HostInfo() {
    }

    /** CPU model, logical CPUs and the kernel-relevant flags, from {@code /proc/cpuinfo} where there is one. */
    public static Map<String, Object> cpu() {
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("logical_cpus", Runtime.getRuntime().availableProcessors());
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            lines.stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> cpu.put("model", l.substring(l.indexOf(':') + 1).trim()));
            lines.stream().filter(l -> l.startsWith("flags")).findFirst().ifPresent(l -> {
                List<String> have = Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+"));
                cpu.put("kernel_flags", KERNEL_FLAGS.stream().filter(have::contains).toList());
            });
        } catch (IOException e) {
            cpu.put("model", System.getProperty("os.arch") + " (no /proc/cpuinfo)");
        }
        return cpu;
    }

    /** The steering variables of {@code env}, sorted. */
    public static Map<String, String> steering(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (STEERING.stream().anyMatch(k::startsWith)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
