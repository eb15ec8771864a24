package io.streamaug.trainer.bench;

import io.streamaug.core.process.HostInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * What a benchmark side ran on, so that a figure can be checked on another machine: the CPU and the
 * instruction sets that steer BLAS kernels, the JVM, the ND4J native build (its jar classifier and
 * build flags), the BLAS it calls, its thread settings, and the environment variables that steer
 * them (the CPU and the variables by {@link HostInfo}, as the photo benchmark reports them). The BLAS core type is not reachable from Java; {@code bench trainer} reads it from OpenBLAS's
 * own {@code OPENBLAS_VERBOSE=2} line and adds it.
 */
public final class RuntimeReport {
    private RuntimeReport() {
    }

    /** This JVM's report; loads ND4J's native backend. */
    public static Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu", HostInfo.cpu());
        out.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        out.put("libraries", libraries());
        Environment env = Nd4j.getEnvironment();
        Map<String, Object> nd4j = new LinkedHashMap<>();
        nd4j.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        nd4j.put("native_build", loadedNativeBuild());
        // The build asked for (Nd4jProcess sets -onednn where that build ships), or null.
        nd4j.put("requested_extension", System.getProperty("org.bytedeco.javacpp.platform.extension"));
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
        nd4j.put("onednn_convolutions", io.streamaug.trainer.model.SameConvolution.onOnednn());
        out.put("nd4j", nd4j);
        out.put("environment", HostInfo.steering(System.getenv()));
        out.put("jvm_args", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        return out;
    }

    /**
     * The folder of ND4J's native library as JavaCPP loaded it, which names the build
     * ({@code linux-x86_64}, {@code linux-x86_64-onednn}, …); the platform and the requested
     * extension when it cannot be read.
     */
    static String loadedNativeBuild() {
        for (var entry : org.bytedeco.javacpp.Loader.getLoadedLibraries().entrySet()) {
            String path = entry.getValue();
            if (entry.getKey().contains("nd4jcpu") && path != null) {
                Path parent = Path.of(path).getParent();
                if (parent != null && parent.getFileName() != null && parent.getFileName().toString().startsWith(org.bytedeco.javacpp.Loader.getPlatform())) {
                    return parent.getFileName().toString();
                }
            }
        }
        return org.bytedeco.javacpp.Loader.getPlatform()
                + System.getProperty("org.bytedeco.javacpp.platform.extension", System.getProperty("javacpp.platform.extension", ""));
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
}
