package io.streamaug.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.process.ChildJvm;
import io.streamaug.trainer.config.TrainConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainer benchmark's own machinery (its figures come from `bench trainer`, not from here). */
class TrainerBenchTest {

    @Test
    void measuresStepsAndTheirParts() {
        assertThat(TrainerBench.samplesPerSecond(BenchModel.MLP, 8, 1, 0.2)).isPositive();
        Map<String, Double> parts = TrainerBench.breakdown(1, 0.2);
        assertThat(parts).containsOnlyKeys("batch_copy_us", "forward_us", "step_sgd_us", "step_adam_us");
        // A training step does a forward pass and more; the copy alone is the cheapest part.
        assertThat(parts.get("step_sgd_us")).isGreaterThan(parts.get("forward_us"));
        assertThat(parts.get("batch_copy_us")).isLessThan(parts.get("forward_us"));
    }

    @Test
    void everyModelTrainsAsTheTrainerWouldBuildIt() {
        for (BenchModel model : BenchModel.values()) {
            TrainConfig config = model.config(4);
            assertThat(config.optimiser().batchSize()).isEqualTo(4);
            assertThat(TrainerBench.samplesPerSecond(model, 4, 1, 0.1)).as(model.key()).isPositive();
        }
        assertThat(BenchModel.CNN.config(32).model().convChannels()).containsExactly(32, 64);
        assertThat(BenchModel.MLP_NONORM.config(32).model().norm()).isEqualTo(TrainConfig.Norm.NONE);
        assertThatThrownBy(() -> BenchModel.of("resnet")).hasMessageContaining("mlp, mlp-nonorm, cnn, cnn-nonorm, small-cnn");
    }

    @Test
    void keysFollowTheModelThreadsAndMinibatch() {
        assertThat("dl4j" + TrainerBenchCommand.suffix(BenchModel.MLP, 1, 32)).isEqualTo("dl4j_bs32_sps");
        assertThat("torch" + TrainerBenchCommand.suffix(BenchModel.CNN, 1, 64)).isEqualTo("torch_cnn_bs64_sps");
        assertThat("dl4j" + TrainerBenchCommand.suffix(BenchModel.MLP_NONORM, 2, 128)).isEqualTo("dl4j_mlp_nonorm_t2_bs128_sps");
    }

    @Test
    void aSideWhoseRateIsFlatFromMinibatch32To128IsCalledOut() {
        TrainerBenchCommand command = new TrainerBenchCommand();
        command.threads = List.of(1);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("dl4j_bs32_sps", 4000.0);
        results.put("dl4j_bs128_sps", 12000.0);
        results.put("torch_bs32_sps", 3400.0);
        results.put("torch_bs128_sps", 3700.0); // the reference BLAS: flat
        List<String> warnings = command.warnings(results, List.of(BenchModel.MLP));
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).startsWith("PyTorch mlp with 1 thread(s) grows only 1.09×");
    }

    @Test
    void theRuntimeReportNamesCpuNativeBuildAndSteeringVariables() {
        Map<String, Object> report = RuntimeReport.describe();
        assertThat(report).containsKeys("cpu", "java", "libraries", "nd4j", "environment");
        @SuppressWarnings("unchecked")
        Map<String, Object> nd4j = (Map<String, Object>) report.get("nd4j");
        assertThat(nd4j.get("native_build").toString()).startsWith("linux-");
        assertThat(nd4j.get("build_info").toString()).contains("HAVE_OPENBLAS");
        assertThat((List<?>) report.get("libraries")).anyMatch(l -> l.toString().startsWith("nd4j-native-"));
        assertThat(io.streamaug.core.process.HostInfo.steering(Map.of("OMP_NUM_THREADS", "1", "OPENBLAS_CORETYPE", "Haswell", "HOME", "/root")))
                .containsOnlyKeys("OMP_NUM_THREADS", "OPENBLAS_CORETYPE");
        assertThat(io.streamaug.core.process.HostInfo.steering(Map.of("MALLOC_MMAP_THRESHOLD_", "67108864", "GLIBC_TUNABLES", "glibc.malloc.arena_max=2")))
                .containsOnlyKeys("MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES");
    }

    /** The child JVM that times DL4J, as the trainer's own process, skips JavaCPP's resident-memory read unless told otherwise. */
    @Test
    void theBenchChildSkipsJavaCppsResidentMemoryCheckUnlessItIsSet() throws Exception {
        Map<String, Object> plain = TrainerBenchCommand.environment(
                ChildJvm.main(TrainerBench.class).heap("1g").args("environment").command(), 1, Map.of());
        assertThat(((Map<?, ?>) plain.get("nd4j")).get("javacpp_max_physical_bytes")).isEqualTo(0);
        Map<String, Object> set = TrainerBenchCommand.environment(ChildJvm.main(TrainerBench.class).heap("1g")
                .jvmOptions("-Dorg.bytedeco.javacpp.maxPhysicalBytes=8g").args("environment").command(), 1, Map.of());
        assertThat(((Map<?, ?>) set.get("nd4j")).get("javacpp_max_physical_bytes")).isEqualTo(8L << 30);
    }

    /** Nd4jProcess names the platform as JavaCPP does, without loading JavaCPP's Loader (which would fix the build too early). */
    @Test
    void nd4jProcessNamesThePlatformAsJavaCppDoes() {
        assertThat(io.streamaug.trainer.core.Nd4jProcess.platform()).isEqualTo(org.bytedeco.javacpp.Loader.getPlatform());
    }

    /**
     * On linux-x86_64 the trainer's process loads ND4J's -onednn build, which it ships beside the
     * generic one, and convolves on oneDNN; an empty platform extension keeps the generic build.
     */
    @Test
    void theTrainersProcessLoadsTheOnednnBuildWhereItShipsAndTheGenericOneWhenAsked() throws Exception {
        boolean linuxX86 = org.bytedeco.javacpp.Loader.getPlatform().equals("linux-x86_64");
        Map<?, ?> chosen = (Map<?, ?>) TrainerBenchCommand.environment(
                ChildJvm.main(TrainerBench.class).heap("1g").args("environment").command(), 1, Map.of()).get("nd4j");
        // The child has no -D for the build: Nd4jProcess.prepare asked for it, and it is the library that loaded.
        assertThat(chosen.get("requested_extension")).isEqualTo(linuxX86 ? "-onednn" : null);
        assertThat(chosen.get("native_build")).isEqualTo(linuxX86 ? "linux-x86_64-onednn" : org.bytedeco.javacpp.Loader.getPlatform());
        assertThat(chosen.get("onednn_convolutions")).isEqualTo(linuxX86);
        assertThat(chosen.get("build_info").toString().contains("HAVE_ONEDNN")).isEqualTo(linuxX86);
        Map<?, ?> generic = (Map<?, ?>) TrainerBenchCommand.environment(ChildJvm.main(TrainerBench.class).heap("1g")
                .jvmOptions("-Dorg.bytedeco.javacpp.platform.extension=").args("environment").command(), 1, Map.of()).get("nd4j");
        assertThat(generic.get("requested_extension")).isEqualTo("");
        assertThat(generic.get("native_build")).isEqualTo(org.bytedeco.javacpp.Loader.getPlatform());
        assertThat(generic.get("onednn_convolutions")).isEqualTo(false);
        assertThat(generic.get("build_info").toString()).doesNotContain("HAVE_ONEDNN");
    }

    @Test
    void tunedMallocFixesGlibcsThresholdsForBothSidesAndDefaultLeavesThemAlone() {
        Map<String, String> tuned = TrainerBenchCommand.mallocEnvironment("tuned");
        // Unless the caller's environment already sets them, both thresholds are fixed, trim above mmap.
        for (String key : new String[] {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"}) {
            assertThat(tuned.containsKey(key)).isEqualTo(System.getenv(key) == null);
        }
        if (tuned.size() == 2) {
            assertThat(Long.parseLong(tuned.get("MALLOC_TRIM_THRESHOLD_")))
                    .isGreaterThan(Long.parseLong(tuned.get("MALLOC_MMAP_THRESHOLD_")));
        }
        assertThat(TrainerBenchCommand.mallocEnvironment("default")).isEmpty();
    }
}
