package io.streamaug.core.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars for long work, on stderr: a live bar with rate and ETA on a terminal, a line every
 * few seconds when output goes to a file or CI log.
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
        if (System.console() == null) {
            PrintStream err = System.err;
            builder.setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(5_000)
                    .setConsumer(new DelegatingProgressBarConsumer(err::println, 100));
        } else {
            builder.setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250);
        }
        return builder.build();
    }
}
