package io.streamaug.core.cli;

import java.io.PrintStream;
import java.text.DecimalFormat;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import me.tongfei.progressbar.DefaultProgressBarRenderer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

/**
 * Progress bars for long work, on stderr: a live bar with rate and ETA on a terminal, a line every
 * few seconds when output goes to a file or CI log — and then only when the count has moved, so a
 * log never shows the same state twice (the bar library renders twice when it closes).
 */
public final class Progress {
    private Progress() {
    }

    /** A bar counting {@code unit}s up to {@code total} (≤ 0: unknown). Close it when done. */
    public static ProgressBar bar(String task, long total, String unit) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total > 0 ? total : -1)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setMaxRenderedLength(100);
        if (System.console() != null) {
            return builder.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250).build();
        }
        PrintStream err = System.err;
        return builder.setUpdateIntervalMillis(5_000)
                .setRenderer(new ChangedOnly(" " + unit))
                .setConsumer(new DelegatingProgressBarConsumer(line -> {
                    if (!line.isEmpty()) {
                        err.println(line);
                    }
                }, 100))
                .build();
    }

    /**
     * A status line for work whose caller says how far it is: the task, the message the caller keeps
     * current with {@link ProgressBar#setExtraMessage}, and the elapsed time, which keeps moving
     * while the work waits — no bar and no {@code ?%} for an open-ended stream. At most 100
     * columns (the message is cut). On a terminal it is redrawn every second; in a log it is a line
     * every few seconds when the message has changed.
     */
    public static ProgressBar status(String task) {
        boolean terminal = System.console() != null;
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(-1)
                .setMaxRenderedLength(100)
                .setRenderer(new Status(!terminal))
                .continuousUpdate() // the count never moves: render on every tick, for the message and the clock
                .setUpdateIntervalMillis(terminal ? 1_000 : 5_000);
        if (!terminal) {
            PrintStream err = System.err;
            builder.setConsumer(new DelegatingProgressBarConsumer(line -> {
                if (!line.isEmpty()) {
                    err.println(line);
                }
            }, 100));
        }
        return builder.build();
    }

    /** Task, message, elapsed time; for a log, an empty line (not printed) when the message is unchanged. */
    private static final class Status implements me.tongfei.progressbar.ProgressBarRenderer {
        private final boolean changesOnly;
        private String rendered;

        Status(boolean changesOnly) {
            this.changesOnly = changesOnly;
        }

        @Override
        public String render(ProgressState progress, int maxLength) {
            String message = progress.getExtraMessage() == null ? "" : progress.getExtraMessage().strip();
            if (changesOnly && (message.isEmpty() || message.equals(rendered))) {
                return "";
            }
            rendered = message;
            String elapsed = elapsed(progress.getTotalElapsed());
            int room = Math.max(0, maxLength - progress.getTaskName().length() - elapsed.length() - 2);
            if (message.length() > room) {
                message = message.substring(0, Math.max(0, room - 1)) + "…";
            }
            return progress.getTaskName() + " " + message + " " + elapsed;
        }
    }

    /** A duration as H:MM:SS, or M:SS under an hour. */
    public static String elapsed(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }

    /** The library's ASCII rendering, or an empty line (not printed) when the count has not moved since the last. */
    private static final class ChangedOnly extends DefaultProgressBarRenderer {
        private long rendered = -1; // renders run one at a time, on the library's update thread

        ChangedOnly(String unit) {
            super(ProgressBarStyle.ASCII, unit, 1, true, new DecimalFormat("#,##0.#"), ChronoUnit.SECONDS, true,
                    ChangedOnly::linearEta);
        }

        @Override
        public String render(ProgressState progress, int maxLength) {
            long count = progress.getCurrent();
            if (count == rendered) {
                return "";
            }
            String line = super.render(progress, maxLength);
            // A count that moved while rendering may show half old, half new: then the next render prints again.
            rendered = progress.getCurrent() == count ? count : -1;
            return line;
        }

        private static Optional<Duration> linearEta(ProgressState progress) {
            long done = progress.getCurrent() - progress.getStart();
            if (progress.getMax() <= 0 || done <= 0) {
                return Optional.empty();
            }
            return Optional.of(progress.getElapsedAfterStart().multipliedBy(progress.getMax() - progress.getCurrent())
                    .dividedBy(done));
        }
    }
}
