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

    /** The library's ASCII rendering, or an empty line (not printed) when the count has not moved since the last. */
    private static final class ChangedOnly extends DefaultProgressBarRenderer {
        private long rendered = -1; // renders run one at a time, on the library's update thread

        ChangedOnly(String unit) {
            super(ProgressBarStyle.ASCII, unit, 1, true, new DecimalFormat("#,##0.#"), ChronoUnit.SECONDS, true,
                    ChangedOnly::linearEta);
        }

        @Override
        public String render(ProgressState progress, int maxLength) {
            long count = progress.getCurrent(); // read first: if it moves while rendering, the next line repeats it
            if (count == rendered) {
                return "";
            }
            rendered = count;
            return super.render(progress, maxLength);
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
