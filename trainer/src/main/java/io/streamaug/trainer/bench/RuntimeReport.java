package io.streamaug.trainer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * What a benchmark side ran on, so that a figure can be checked on another machine: the CPU and the
 * instruction sets that steer BLAS kernels, the JVM, the ND4J native build (its jar classifier and
 * build flags), the BLAS it calls, its thread settings, and the environment variables that steer
 * them. The BLAS core type is not reachable from Java; {@code bench trainer} reads it from OpenBLAS's
 * own {@code OPENBLAS_VERBOSE=2} line and adds it.
 */
public final class RuntimeReport {
    /** CPU flags that decide which BLAS and DNN kernels run. */
    static final List<String> KERNEL_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
            "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16", "amx_bf16");
    /** Prefixes of the environment variables that steer native threads and kernels. */
    static final List<String> STEERING = List.of("OMP_", "OPENBLAS_", "GOTO", "MKL_", "KMP_", "DNNL_", "ONEDNN_",
            "ND4J", "BLIS_", "MALLOC_", "GLIBC_TUNABLES", "JAVA_TOOL_OPTIONS", "STREAMAUG_JAVA_OPTS");

    private RuntimeReport() {
    }

    /** This JVM's report; loads ND4J's native backend. */
    public static Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu", cpu());
        out.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        out.put("libraries", libraries());
        Environment env = Nd4j.getEnvironment();
        Map<String, Object> nd4j = new LinkedHashMap<>();
        nd4j.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        nd4j.put("native_build", org.bytedeco.javacpp.Loader.getPlatform()
                + System.getProperty("org.bytedeco.javacpp.platform.extension", System.getProperty("javacpp.platform.extension", "")));
        nd4j.put("blas_vendor", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        nd4j.put("blas_version", env.blasMajorVersion() + "." + env.blasMinorVersion() + "." + env.blasPatchVersion());
        nd4j.put("max_threads", env.maxThreads());
        nd4j.put("max_master_threads", env.maxMasterThreads());
        nd4j.put("helpers_allowed", env.helpersAllowed());
        // 0: JavaCPP does not read the resident memory at each pointer it allocates (see Nd4jProcess).
        nd4j.put("javacpp_max_physical_bytes", org.bytedeco.javacpp.Pointer.maxPhysicalBytes());
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        nd4j.put("optimal_requirements_met", ops.isOptimalRequirementsMet());
        nd4j.put("build_info", ops.buildInfo().replaceAll("\\s+", " ").trim());
        out.put("nd4j", nd4j);
        out.put("environment", steering(System.getenv()));
        out.put("jvm_args", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        return out;
    }

    /** CPU model, logical CPUs and the kernel-relevant flags, from {@code /proc/cpuinfo} where there is one. */
    static Map<String, Object> cpu() {
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

    /** The native jars on the class path: ND4J's (with its classifier), JavaCPP's and OpenBLAS's. */
    static List<String> libraries() {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.matches("(nd4j-native|nd4j-api|deeplearning4j-nn|javacpp|openblas|mkl|dnnl|onednn).*\\.jar")) {
                out.add(name.replaceAll("\\.jar$", ""));
            }
        }
        return out;
    }

    /** The steering variables of {@code env}, sorted. */
    static Map<String, String> steering(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (STEERING.stream().anyMatch(k::startsWith)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
