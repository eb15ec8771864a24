package io.streamaug.deploy.chaos;

import java.util.List;

/**
 * Plays one timeline of a {@link ChaosSchedule} from a thread of its own: each event at its time
 * and, with a {@link FaultGate}, not before the application has made progress since the previous
 * event was carried out (the first event: since the phase began). A late event is late on its own:
 * the events after it keep their times, so the faults stay spread over the phase.
 */
final class TimelinePlayer {
    /** What an event does. */
    @FunctionalInterface
    interface Action {
        void apply(ChaosSchedule.Event event) throws Exception;
    }

    /** Where the player says what it did, printf-style. */
    @FunctionalInterface
    interface Say {
        void say(String format, Object... args);
    }

    private TimelinePlayer() {
    }

    /**
     * Starts playing {@code timeline}, whose times count from {@code phaseStart} (nanoTime), on a
     * daemon thread named {@code name}; {@code gate} may be {@code null} (no waiting for progress).
     */
    static Thread start(String name, List<ChaosSchedule.Event> timeline, long phaseStart, FaultGate gate, Action action,
            Say say) {
        Thread thread = new Thread(() -> {
            long previous = phaseStart;
            for (ChaosSchedule.Event event : timeline) {
                long due = phaseStart + (long) (event.atSeconds() * 1e9);
                try {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep((wait + 999_999) / 1_000_000); // never before its time
                    }
                    if (gate != null) {
                        long waitStart = System.nanoTime();
                        boolean progressed = gate.await(previous);
                        double waited = (System.nanoTime() - waitStart) / 1e9;
                        if (!progressed) {
                            say.say("'%s' waited %.0f s for the workers to commit since the previous fault; going on without it",
                                    event, waited);
                        } else if (waited >= 0.1) {
                            say.say("'%s' waited %.1f s for the workers to commit since the previous fault", event, waited);
                        }
                    }
                    action.apply(event);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    say.say("fault '%s' could not be carried out: %s", event, e.getMessage());
                }
                previous = System.nanoTime();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
