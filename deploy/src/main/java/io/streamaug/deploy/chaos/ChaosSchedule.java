package io.streamaug.deploy.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The faults of one chaos run, drawn from a seed before the run starts: worker kills, broker
 * bounces and rescales on one timeline, spread evenly over the fault phase with jitter so that each
 * fault's recovery can be seen on its own; trainer kills on a second timeline of their own. One
 * thread plays each timeline ({@link TimelinePlayer}), so two brokers are never down at once; a
 * worker-timeline fault also waits until the application has committed since the one before it
 * ({@link FaultGate}), so that it hits a running application, not a replacement still starting.
 */
public record ChaosSchedule(List<Event> workerTimeline, List<Event> trainerTimeline) {
    /** What happens. */
    public enum Kind {
        /** SIGKILL a random running worker and start its replacement. */
        WORKER_KILL,
        /** SIGKILL broker {@code target} (1-based), wait, restart it on its data. */
        BROKER_BOUNCE,
        /** Stop (SIGTERM) or start workers until {@code target} run. */
        RESCALE,
        /** SIGKILL the trainer and start it again: it resumes from its last checkpoint. */
        TRAINER_KILL
    }

    /** One fault, {@code atSeconds} after the fault phase began. */
    public record Event(double atSeconds, Kind kind, int target) {
        @Override
        public String toString() {
            return switch (kind) {
                case WORKER_KILL -> "kill -9 a worker";
                case BROKER_BOUNCE -> "kill -9 broker " + target + ", then restart it";
                case RESCALE -> "rescale to " + target + " worker(s)";
                case TRAINER_KILL -> "kill -9 the trainer";
            };
        }
    }

    /** How many of each fault, and over how long. */
    public record Plan(double phaseSeconds, int workerKills, int brokerBounces, List<Integer> rescales, int trainerKills,
            int brokers) {
        public Plan {
            if (phaseSeconds <= 0 || workerKills < 0 || brokerBounces < 0 || trainerKills < 0 || brokers < 1) {
                throw new IllegalArgumentException("a chaos plan needs a positive phase and non-negative counts");
            }
            rescales = List.copyOf(rescales);
        }
    }

    public ChaosSchedule {
        workerTimeline = List.copyOf(workerTimeline);
        trainerTimeline = List.copyOf(trainerTimeline);
    }

    /** Draws the schedule of {@code plan} from {@code seed}: the same seed, the same faults at the same times. */
    public static ChaosSchedule draw(Plan plan, long seed) {
        Random random = new Random(seed);
        List<Kind> kinds = new ArrayList<>();
        kinds.addAll(Collections.nCopies(plan.workerKills(), Kind.WORKER_KILL));
        kinds.addAll(Collections.nCopies(plan.brokerBounces(), Kind.BROKER_BOUNCE));
        kinds.addAll(Collections.nCopies(plan.rescales().size(), Kind.RESCALE));
        Collections.shuffle(kinds, random);
        List<Event> workers = new ArrayList<>();
        double spacing = plan.phaseSeconds() / (kinds.size() + 1);
        int rescale = 0;
        for (int i = 0; i < kinds.size(); i++) {
            double at = spacing * (i + 1) + (random.nextDouble() - 0.5) * 0.4 * spacing;
            Kind kind = kinds.get(i);
            int target = switch (kind) {
                case BROKER_BOUNCE -> 1 + random.nextInt(plan.brokers());
                case RESCALE -> plan.rescales().get(rescale++); // in the order asked: 3 → 1 → 4 → 3
                default -> 0;
            };
            workers.add(new Event(at, kind, target));
        }
        List<Event> trainer = new ArrayList<>();
        double trainerSpacing = plan.phaseSeconds() / (plan.trainerKills() + 1);
        for (int i = 0; i < plan.trainerKills(); i++) {
            double at = trainerSpacing * (i + 1) + (random.nextDouble() - 0.5) * 0.5 * trainerSpacing;
            trainer.add(new Event(at, Kind.TRAINER_KILL, 0));
        }
        trainer.sort(Comparator.comparingDouble(Event::atSeconds));
        return new ChaosSchedule(workers, trainer);
    }

    /** How many events of {@code kind} the schedule holds. */
    public long count(Kind kind) {
        return workerTimeline.stream().filter(e -> e.kind() == kind).count()
                + trainerTimeline.stream().filter(e -> e.kind() == kind).count();
    }
}
