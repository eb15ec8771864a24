package io.streamaug.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.deploy.chaos.ChaosSchedule.Event;
import io.streamaug.deploy.chaos.ChaosSchedule.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosScheduleTest {
    private static final ChaosSchedule.Plan FULL = new ChaosSchedule.Plan(420, 20, 3, List.of(1, 4, 3), 5, 3);

    @Test
    void everySeedGivesEveryFaultAskedForSpreadOverThePhaseAndTheRescalesInOrder() {
        for (long seed = 0; seed < 300; seed++) {
            ChaosSchedule schedule = ChaosSchedule.draw(FULL, seed);
            assertThat(schedule.count(Kind.WORKER_KILL)).isEqualTo(20);
            assertThat(schedule.count(Kind.BROKER_BOUNCE)).isEqualTo(3);
            assertThat(schedule.count(Kind.RESCALE)).isEqualTo(3);
            assertThat(schedule.count(Kind.TRAINER_KILL)).isEqualTo(5);
            assertThat(schedule.workerTimeline().stream().filter(e -> e.kind() == Kind.RESCALE).map(Event::target))
                    .as("seed %d: 3 → 1 → 4 → 3", seed).containsExactly(1, 4, 3);
            assertThat(schedule.workerTimeline().stream().filter(e -> e.kind() == Kind.BROKER_BOUNCE).map(Event::target))
                    .allSatisfy(node -> assertThat(node).isBetween(1, 3));
            for (List<Event> timeline : List.of(schedule.workerTimeline(), schedule.trainerTimeline())) {
                for (int i = 0; i < timeline.size(); i++) {
                    assertThat(timeline.get(i).atSeconds()).isBetween(0.0, 420.0);
                    if (i > 0) {
                        // one fault at a time on a timeline, each with room for its recovery: at least
                        // 60 % of the even spacing between two neighbours
                        double spacing = 420.0 / (timeline.size() + 1);
                        assertThat(timeline.get(i).atSeconds() - timeline.get(i - 1).atSeconds())
                                .as("seed %d, event %d", seed, i).isGreaterThanOrEqualTo(0.5 * spacing);
                    }
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameFaultsAndAnotherSeedOthers() {
        assertThat(ChaosSchedule.draw(FULL, 7)).isEqualTo(ChaosSchedule.draw(FULL, 7));
        assertThat(ChaosSchedule.draw(FULL, 7)).isNotEqualTo(ChaosSchedule.draw(FULL, 8));
    }

    @Test
    void theMixingSpecIsTheBundledOneWithMixingOn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path spec = ChaosRun.mixingSpec(dir);
        var loaded = io.streamaug.augment.spec.SpecLoader.load(spec, List.of());
        var bundled = io.streamaug.augment.spec.SpecLoader.resolve("fashion-mnist", List.of());
        assertThat(loaded.mixing().p()).isEqualTo(0.5);
        assertThat(bundled.mixing() == null ? 0 : bundled.mixing().p()).isZero();
        assertThat(loaded.ops()).hasSameSizeAs(bundled.ops());
        List<String> mixed = java.nio.file.Files.readAllLines(spec);
        List<String> original;
        try (var in = ChaosRun.class.getResourceAsStream("/specs/fashion-mnist.yaml")) {
            original = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        assertThat(mixed).hasSameSizeAs(original);
        List<String> changed = new java.util.ArrayList<>();
        for (int i = 0; i < mixed.size(); i++) {
            if (!mixed.get(i).equals(original.get(i))) {
                changed.add(original.get(i) + " → " + mixed.get(i));
            }
        }
        assertThat(changed).as("only the mix block's p changes").containsExactly("  p: 0.0 →   p: 0.5");
    }
}
