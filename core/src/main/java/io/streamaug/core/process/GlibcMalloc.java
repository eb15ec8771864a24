package io.streamaug.core.process;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment that tunes glibc's malloc in a child process. glibc serves blocks above its mmap
 * threshold (128 KiB at first, raised as such blocks are freed) with fresh mappings and returns
 * them when freed, and trims the heap's top once it exceeds twice that. A process that allocates
 * and frees buffers of hundreds of KiB to a few MiB in a loop (a decoded photograph, Adam's
 * temporaries on a 784×256 weight) then takes hundreds of page faults per iteration, each dearer
 * inside a virtual machine: measured here, PyTorch's minibatch-1 step went from 1.4 to 7–10 ms and
 * OpenCV-Python's decode of a 1024×768 JPEG from 2.6 to 17 ms of CPU. Fixed thresholds keep those
 * blocks on the heap for reuse. The benchmarks give it to their Python peers (each side on its
 * best configuration) and record it in their environment reports.
 */
public final class GlibcMalloc {
    /** Blocks below this come from the heap, not from a mapping of their own. */
    static final long MMAP_THRESHOLD = 64L << 20;
    /** The heap's free top is returned to the kernel only above this. */
    static final long TRIM_THRESHOLD = 128L << 20;

    private GlibcMalloc() {
    }

    /**
     * {@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TRIM_THRESHOLD_} for a child's environment,
     * each unless {@code current} (the parent's environment) already sets it: the caller's choice wins.
     */
    public static Map<String, String> tuned(Map<String, String> current) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MALLOC_MMAP_THRESHOLD_", Long.toString(MMAP_THRESHOLD));
        env.put("MALLOC_TRIM_THRESHOLD_", Long.toString(TRIM_THRESHOLD));
        env.keySet().removeIf(current::containsKey);
        return env;
    }
}
