package io.streamaug.trainer.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses which of ND4J's native builds this process loads, before ND4J loads one: the build for the
 * widest vector instruction set this CPU has among those on the class path ({@code -avx512},
 * {@code -avx2}), else the generic one. The choice is made at run time, not at build time, so one
 * artefact (the launcher's class path, the image) runs at full speed on every x86-64 CPU and still runs
 * where a CPU lacks the instructions. An operator's {@code org.bytedeco.javacpp.platform.extension}
 * (or {@code STREAMAUG_ND4J_BUILD=generic|avx2|avx512|…}) wins.
 */
public final class NativeBuild {
    static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static final String BINDINGS = "org/nd4j/linalg/cpu/nativecpu/bindings/";

    /** A build and the CPU flags it needs. */
    record Candidate(String extension, Set<String> needs) {
    }

    /** Widest first. */
    static final List<Candidate> CANDIDATES = List.of(
            new Candidate("-avx512", Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx2", "fma")),
            new Candidate("-avx2", Set.of("avx2", "fma", "f16c")));

    private NativeBuild() {
    }

    /** Sets the build for this process unless one is set; returns the extension in use ("" = generic). */
    public static String choose() {
        String set = System.getProperty(PROPERTY, System.getProperty("javacpp.platform.extension"));
        if (set != null) {
            return set;
        }
        String asked = System.getenv("STREAMAUG_ND4J_BUILD");
        String chosen = asked != null ? (asked.isBlank() || asked.equals("generic") ? "" : "-" + asked.replaceFirst("^-", ""))
                : chooseFor(cpuFlags(), NativeBuild::onClassPath);
        if (!chosen.isEmpty()) {
            System.setProperty(PROPERTY, chosen);
        }
        return chosen;
    }

    /** The widest candidate whose flags {@code flags} has and whose build {@code present} says is there. */
    static String chooseFor(Set<String> flags, java.util.function.Predicate<String> present) {
        return CANDIDATES.stream().filter(c -> flags.containsAll(c.needs()) && present.test(c.extension()))
                .map(Candidate::extension).findFirst().orElse("");
    }

    static boolean onClassPath(String extension) {
        String platform = "linux-x86_64";
        return NativeBuild.class.getClassLoader().getResource(BINDINGS + platform + extension + "/libjnind4jcpu.so") != null;
    }

    static Set<String> cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).collect(Collectors.toSet()))
                    .orElse(Set.of());
        } catch (IOException e) {
            return Set.of();
        }
    }
}
