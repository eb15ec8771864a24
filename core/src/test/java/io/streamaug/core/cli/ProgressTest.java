package io.streamaug.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

/** Progress written to a log (no terminal, as under the test runner): each state once. */
class ProgressTest {

    @Test
    void aLogShowsTheFinishedBarOnce() {
        List<String> lines = logged(() -> {
            try (ProgressBar bar = Progress.bar("produce fm", 500, "rec")) {
                pause(); // the first line, at 0
                bar.stepTo(500);
            }
        });
        assertThat(lines).filteredOn(l -> l.contains("500/500")).hasSize(1);
        assertThat(lines).allMatch(l -> l.startsWith("produce fm"));
    }

    @Test
    void aLogGetsNoRepeatOfAnUnchangedCount() throws Exception {
        List<String> lines = logged(() -> {
            try (ProgressBar bar = Progress.bar("stats", 0, "rec")) {
                pause();
                bar.stepTo(7);
            }
        });
        assertThat(lines).filteredOn(l -> l.contains(" 7/?") || l.contains(" 7 rec")).hasSize(1);
        assertThat(lines).doesNotHaveDuplicates();
    }

    @Test
    void aStatusLineIsTaskMessageAndElapsedTimeWithoutABar() {
        List<String> lines = logged(() -> {
            try (ProgressBar status = Progress.status("train demo")) {
                status.setExtraMessage("step 12, 384 samples  loss 0.512");
            }
        });
        assertThat(lines).singleElement().asString().matches("train demo step 12, 384 samples  loss 0\\.512 0:0\\d")
                .doesNotContain("?");
    }

    @Test
    void aStatusLineIsCutAtOneHundredColumns() {
        List<String> lines = logged(() -> {
            try (ProgressBar status = Progress.status("train demo")) {
                status.setExtraMessage("x".repeat(200));
            }
        });
        assertThat(lines).singleElement().asString().hasSizeLessThanOrEqualTo(100).contains("…").endsWith("0:00");
    }

    private static void pause() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> logged(Runnable work) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
