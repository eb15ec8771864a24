package io.streamaug.trainer.core;

import java.util.function.LongSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * Keeps a trainer's resident size bounded when ND4J arrays are left to the garbage collector.
 * ND4J frees an array's native buffer when the collector finds the Java object unreachable.
 * The project's own layers and the one-pass update ({@code FusedStep}) release theirs
 * deterministically, but DL4J's own paths leave some for the collector: its batch norm, and its
 * {@code fit} with {@code adamw}, {@code sgd} or gradient clipping. Such a step leaves megabytes of
 * native buffers behind while its Java garbage is small, so the collector runs rarely and the
 * resident size grew without bound: a CNN with batch norm at minibatch 32 reached 10 GB in nine
 * minutes with a 768 MB heap (docs/benchmarks.md, memory soak).
 *
 * <p>JavaCPP would check the resident size at every native allocation and collect above a limit,
 * but that read cost up to a fifth of a small step, so {@link Nd4jProcess} turns it off. This
 * guard makes the same check once a quarter second at most, after a step: when the resident size
 * is above the limit it asks for a collection, at most once a second (a full collection of a
 * heap that holds little takes some tens of milliseconds). The limit is
 * JavaCPP's {@code org.bytedeco.javacpp.maxPhysicalBytes} when one is set, else twice the
 * maximum heap (JavaCPP's own default is four times: 3 GB for the 768 MB heap of the soak, most of
 * it garbage).
 */
public final class ResidentMemoryGuard {
    static final long CHECK_EVERY_NANOS = 250_000_000L;
    static final long COLLECT_AT_MOST_EVERY_NANOS = 1_000_000_000L;

    private final long limit;
    private final LongSupplier residentBytes;
    private final LongSupplier clock;
    private final Runnable collect;
    private long nextCheck;
    private long lastCollection;
    private int collections;

    /** The guard of this process: the limit above, JavaCPP's reading of the resident size, the JVM's collector. */
    public static ResidentMemoryGuard forThisProcess() {
        long set = Pointer.maxPhysicalBytes();
        return new ResidentMemoryGuard(set > 0 ? set : 2 * Runtime.getRuntime().maxMemory(), Pointer::physicalBytes,
                System::nanoTime, System::gc);
    }

    ResidentMemoryGuard(long limit, LongSupplier residentBytes, LongSupplier clock, Runnable collect) {
        this.limit = limit;
        this.residentBytes = residentBytes;
        this.clock = clock;
        this.collect = collect;
        this.nextCheck = clock.getAsLong();
    }

    /** Call after each step: a clock read, and now and then a read of the resident size and a collection. */
    public void afterStep() {
        long now = clock.getAsLong();
        if (now - nextCheck < 0) {
            return;
        }
        nextCheck = now + CHECK_EVERY_NANOS;
        if (collections > 0 && now - lastCollection < COLLECT_AT_MOST_EVERY_NANOS) {
            return;
        }
        if (residentBytes.getAsLong() > limit) {
            lastCollection = now;
            collections++;
            collect.run();
        }
    }

    /** The resident size above which it collects. */
    public long limit() {
        return limit;
    }

    /** How many collections it has asked for. */
    public int collections() {
        return collections;
    }
}
