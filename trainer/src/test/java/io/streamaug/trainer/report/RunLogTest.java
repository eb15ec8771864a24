package io.streamaug.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run's report says in words: why so many records, and curves that show what they plot. */
class RunLogTest {
    @Test
    void theRecordCountIsExplainedByReplaysAndRepeats(@TempDir Path dir) {
        try (RunLog log = new RunLog(dir, -1, 10)) {
            assertThat(log.recordsExplained()).isEqualTo("no records");
            for (int epoch = 0; epoch < 3; epoch++) {
                for (int i = 0; i < 1000; i++) {
                    log.trained(epoch, i % 2);
                }
            }
            assertThat(log.recordsExplained()).isEqualTo("3,000 records: the train split replayed 3 times "
                    + "(epochs 0–2, 1,000 each); each input in 2 augmented variants (the spec's repeats)");
            log.trained(3, 0);
            assertThat(log.recordsExplained()).isEqualTo("3,001 records: the train split replayed 4 times "
                    + "(epochs 0–3, 1,000, 1,000, 1,000, 1); each input in 2 augmented variants (the spec's repeats)");
        }
    }

    @Test
    void theCurvesAreDrawnWithWhatTheTrainLossIncludes(@TempDir Path dir) throws Exception {
        try (RunLog log = new RunLog(dir, -1, 10)) {
            log.trainLossIncludes("cross-entropy against the training targets (label smoothing 0.10) + L2 0.0005 penalty");
            for (int step = 1; step <= 100; step++) {
                log.step(step, step * 8L, 0, 2.3 / step, 0.5 + step / 250.0, 1e-3, 0, 8, null);
            }
            log.eval(100, 800, 200, 0.4, 0.9, true);
            Path curves = log.drawCurves();
            assertThat(curves).isNotNull();
            java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(curves.toFile());
            // Two charts side by side, each with its legend below the plot (taller than the plot alone).
            assertThat(png.getWidth()).isEqualTo(2 * 640);
            assertThat(png.getHeight()).isEqualTo(460);
        }
        assertThat(Files.exists(dir.resolve("metrics.jsonl"))).isTrue();
    }
}
