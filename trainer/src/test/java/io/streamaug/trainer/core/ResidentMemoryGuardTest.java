package io.streamaug.trainer.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResidentMemoryGuardTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicLong resident = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger collections = new AtomicInteger();

    private ResidentMemoryGuard guard(long limit) {
        return new ResidentMemoryGuard(limit, () -> {
            reads.incrementAndGet();
            return resident.get();
        }, now::get, collections::incrementAndGet);
    }

    @Test
    void collectsOnlyAboveTheLimit() {
        ResidentMemoryGuard guard = guard(1_000);
        resident.set(999);
        guard.afterStep();
        assertThat(collections).hasValue(0);
        now.addAndGet(ResidentMemoryGuard.CHECK_EVERY_NANOS);
        resident.set(1_001);
        guard.afterStep();
        assertThat(collections).hasValue(1);
        assertThat(guard.collections()).isEqualTo(1);
    }

    @Test
    void readsTheResidentSizeAtMostOnceAQuarterSecond() {
        ResidentMemoryGuard guard = guard(1_000);
        for (int step = 0; step < 1_000; step++) {
            guard.afterStep();
            now.addAndGet(1_000_000); // a 1 ms step
        }
        // 1,000 steps of 1 ms: a read at the start and one every 250 ms after it.
        assertThat(reads.get()).isEqualTo(4);
    }

    @Test
    void collectsAtMostOnceASecondWhileTheSizeStaysHigh() {
        ResidentMemoryGuard guard = guard(1_000);
        resident.set(5_000); // above the limit whatever the collector frees
        for (int step = 0; step < 3_500; step++) { // 3.5 s of 1 ms steps
            guard.afterStep();
            now.addAndGet(1_000_000);
        }
        assertThat(collections).hasValue(4); // at 0, 1, 2 and 3 s
    }

    @Test
    void thisProcessesLimitIsJavaCppsWhenSetElseTwiceTheHeap() {
        long set = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        assertThat(ResidentMemoryGuard.forThisProcess().limit())
                .isEqualTo(set > 0 ? set : 2 * Runtime.getRuntime().maxMemory());
    }
}
