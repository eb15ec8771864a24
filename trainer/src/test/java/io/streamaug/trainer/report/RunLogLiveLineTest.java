package io.streamaug.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's live line, as a log (no terminal) shows it. */
class RunLogLiveLineTest {

    @Test
    void anOpenEndedStreamShowsStepsAndSamplesNotAnUnknownPercentage(@TempDir Path dir) {
        String line = lastLine(dir, 0, 0);
        assertThat(line).matches("train demo step 4, 128 samples at [\\d,.]+/s  loss 0\\.500  val 0\\.871  wait 5%.*")
                .doesNotContain("?").doesNotContain("ETA");
        assertThat(line).hasSizeLessThanOrEqualTo(100).matches(".* \\d+:\\d\\d");
    }

    @Test
    void aSampleBudgetShowsTheShareTrainedAndAnEta(@TempDir Path dir) {
        String line = lastLine(dir, 0, 1000);
        assertThat(line).matches("train demo 128/1,000 samples \\(13%\\) at [\\d,.]+/s  loss 0\\.500  val 0\\.871  ETA .*");
        assertThat(line).hasSizeLessThanOrEqualTo(100);
    }

    @Test
    void aStepBudgetShowsTheShareOfSteps(@TempDir Path dir) {
        assertThat(lastLine(dir, 40, 0)).startsWith("train demo step 4/40 (10%)").contains("ETA ");
    }

    /** The last line a run of four steps of 32 logs, with a validation after the second. */
    private static String lastLine(Path dir, long totalSteps, long totalSamples) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (RunLog log = new RunLog(dir, -1, 1)) {
            log.live("train demo", totalSteps, totalSamples, 0, 0);
            for (int step = 1; step <= 4; step++) {
                log.step(step, 32L * step, 0, 0.5, null, 1e-3, 0.05, 32, step > 2 ? 0.871 : null);
            }
        } finally {
            System.setErr(err);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        return lines.get(lines.size() - 1);
    }
}
