package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class NativeBuildTest {
    private static final Set<String> AVX512 = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
            "avx512vl", "avx512dq");
    private static final Set<String> AVX2 = Set.of("sse4_2", "avx", "avx2", "fma", "f16c");

    @Test
    void theWidestBuildTheCpuCanRunAndTheClassPathHolds() {
        assertThat(NativeBuild.chooseFor(AVX512, ext -> true)).isEqualTo("-avx512");
        assertThat(NativeBuild.chooseFor(AVX2, ext -> true)).isEqualTo("-avx2");
        assertThat(NativeBuild.chooseFor(AVX512, ext -> ext.equals("-avx2"))).isEqualTo("-avx2");
        assertThat(NativeBuild.chooseFor(Set.of("sse4_2", "avx"), ext -> true)).isEmpty();
        assertThat(NativeBuild.chooseFor(AVX512, ext -> false)).isEmpty();
        // AVX-512 foundation alone (as on some early parts) is not enough for the -avx512 build
        assertThat(NativeBuild.chooseFor(Set.of("avx2", "fma", "f16c", "avx512f"), ext -> true)).isEqualTo("-avx2");
    }

    @Test
    void theGenericBuildIsAlwaysThere() {
        assertThat(NativeBuild.onClassPath("")).isTrue();
    }
}
