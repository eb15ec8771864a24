package io.streamaug.trainer.core;

/**
 * What a process that trains with ND4J sets before ND4J loads. JavaCPP, under ND4J, checks the
 * process's resident memory against a limit each time it allocates a native pointer it tracks, by
 * reading {@code /proc/self/statm}, and ND4J allocates such pointers for the shape of every array
 * and view it makes: in profiles of the MLP that read was 18 % of a minibatch-1 step and 7 % of one
 * at minibatch 128, and up to 27 % once other costs had fallen. With the limit at 0 JavaCPP skips
 * the read. Its other limit, on the bytes it tracks
 * ({@code org.bytedeco.javacpp.maxBytes}, the heap size by default), still runs the garbage
 * collector when it is exceeded; the project releases ND4J's arrays deterministically and does not
 * rely on either. A value given on the command line ({@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=…})
 * wins.
 *
 * <p>It also chooses ND4J's native build. Where the class path holds ND4J's {@code -onednn} build
 * for this platform (the project ships it for linux-x86_64, beside the generic build), that build
 * is loaded: the same libnd4j with oneDNN inside, whose convolutions the {@code cnn} model's layers
 * use (oneDNN picks its kernels for the CPU at run time, so the build runs on any x86-64 CPU).
 * Elsewhere the generic build loads. {@code -Dorg.bytedeco.javacpp.platform.extension=} (empty)
 * on the command line keeps the generic build; any value given there wins. (Left to itself,
 * JavaCPP would also try ND4J's preset's extensions before the plain build, the {@code -onednn}
 * one among them; the project says which build it wants rather than rely on that order.)
 */
public final class Nd4jProcess {
    static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";
    static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    static final String ONEDNN = "-onednn";

    private Nd4jProcess() {
    }

    /** Call first thing in {@code main}: JavaCPP reads its limits once, when it loads. */
    public static void prepare() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase(java.util.Locale.ROOT)) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
        if (System.getProperty(PLATFORM_EXTENSION) == null && onednnBuildPresent()) {
            System.setProperty(PLATFORM_EXTENSION, ONEDNN);
        }
    }

    /** Whether ND4J's {@code -onednn} native build for this platform is on the class path. */
    static boolean onednnBuildPresent() {
        String folder = "org/nd4j/linalg/cpu/nativecpu/bindings/" + platform() + ONEDNN + "/";
        return Nd4jProcess.class.getClassLoader().getResource(folder) != null;
    }

    /**
     * JavaCPP's name for this platform, e.g. {@code linux-x86_64}, worked out as JavaCPP does but
     * without loading its {@code Loader}: that class reads and keeps the platform extension when it
     * initialises, so touching it here would come before the extension is set.
     */
    public static String platform() {
        String given = System.getProperty("org.bytedeco.javacpp.platform");
        if (given != null) {
            return given;
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os;
        String archName = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return osName + "-" + archName;
    }
}
