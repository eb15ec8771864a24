package io.streamaug.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.source.Audit;
import io.streamaug.trainer.source.Buffered;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resume bookkeeping, without a broker: what may change between runs, and the audit of what was trained. */
class ResumeTest {

    @Test
    void runControlKeysMayChangeButTheModelAndRecipeMayNot() {
        TrainConfig saved = TrainConfig.defaults();
        assertThat(Resume.changedKeys(saved, saved.with(Map.of("eval_every", "10", "patience", "3", "monitor", "accuracy",
                "checkpoint_every", "7", "max_steps", "99", "max_samples", "5", "idle_timeout", "2", "log_every", "1"))))
                .isEmpty();
        assertThat(Resume.changedKeys(saved, saved.with(Map.of("lr", "0.5", "hidden", "64"))))
                .containsExactlyInAnyOrder("hidden [256, 128] → [64]", "lr 0.001 → 0.5");
    }

    @Test
    void theLegacyFixtureResumesUnderItsOwnSettingsOnlyAndWithItsClasses() throws Exception {
        Path dir = LegacyCheckpointTest.fixture();
        Checkpoint.State state = Checkpoint.readState(dir);
        TrainConfig same = state.trainConfig().with(Map.of("max_steps", "100"));
        Resume.requireCompatible(dir, state, same, List.of("top", "bottom"));
        assertThatThrownBy(() -> Resume.requireCompatible(dir, state, same.with(Map.of("optimizer", "sgd")),
                List.of("top", "bottom"))).isInstanceOf(UsageException.class)
                .hasMessageContaining("another model or recipe (optimizer adam → sgd)");
        assertThatThrownBy(() -> Resume.requireCompatible(dir, state, same, List.of("top", "bottom", "middle")))
                .isInstanceOf(UsageException.class).hasMessageContaining("learned classes [top, bottom]");
    }

    @Test
    void theAuditIsTheSameForTheSameRecordsInAnyOrderAndAcrossAResume() {
        List<Buffered> records = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            for (long o = 0; o < 50; o++) {
                records.add(new Buffered(p, o, new byte[0], null));
            }
        }
        Audit straight = new Audit();
        records.forEach(straight::add);

        List<Buffered> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new java.util.Random(4));
        Audit first = new Audit();
        shuffled.subList(0, 70).forEach(first::add);
        Audit resumed = new Audit(first.count(), first.fingerprint(), first.ops()); // as a checkpoint carries it
        shuffled.subList(70, shuffled.size()).forEach(resumed::add);
        assertThat(resumed.count()).isEqualTo(straight.count()).isEqualTo(150);
        assertThat(resumed.fingerprint()).isEqualTo(straight.fingerprint());

        Audit twice = new Audit(first.count(), first.fingerprint(), List.of()); // one record trained twice, one skipped
        shuffled.subList(69, shuffled.size() - 1).forEach(twice::add);
        assertThat(twice.count()).isEqualTo(150);
        assertThat(twice.fingerprint()).isNotEqualTo(straight.fingerprint());
    }

    @Test
    void theAuditCollectsTheOpsOfTheTracesTrainedAcrossAResume() {
        Audit audit = new Audit();
        audit.add(traced(0, "rotate", "flip"));
        audit.add(traced(1));
        Audit resumed = new Audit(audit.count(), audit.fingerprint(), audit.ops());
        resumed.add(traced(2, "cutout", "flip"));
        assertThat(resumed.ops()).containsExactly("cutout", "flip", "rotate");
        assertThat(resumed.count()).isEqualTo(3);
    }

    private static Buffered traced(long offset, String... ops) {
        List<OpTrace> trace = java.util.Arrays.stream(ops).map(op -> new OpTrace(op, Map.of())).toList();
        PreparedSample s = Toy.sample("s" + offset, 0, Split.TRAIN, 0, new java.util.Random(offset));
        return new Buffered(0, offset, new byte[0], new PreparedSample(s.id(), s.dataset(), s.split(), 0, 0, 0, s.payload(),
                s.label(), trace));
    }
}
