package io.streamaug.trainer.core;

import static io.streamaug.trainer.core.EarlyStopping.Decision.KEEP;
import static io.streamaug.trainer.core.EarlyStopping.Decision.STOP;
import static io.streamaug.trainer.core.EarlyStopping.Decision.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The patience rule alone: sequences of evaluation results and what each means. */
class EarlyStoppingTest {
    private static List<EarlyStopping.Decision> feed(EarlyStopping rule, double... metrics) {
        List<EarlyStopping.Decision> out = new ArrayList<>();
        for (int i = 0; i < metrics.length; i++) {
            out.add(rule.observe(10L * (i + 1), metrics[i]));
        }
        return out;
    }

    @Test
    void onALossLowerIsBetterAndPatienceCountsResultsWithoutImprovementInARow() {
        EarlyStopping rule = new EarlyStopping(true, 2);
        assertThat(feed(rule, 1.0, 0.8, 0.9, 0.7, 0.75, 0.8)).containsExactly(KEEP, KEEP, WAIT, KEEP, WAIT, STOP);
        assertThat(rule.progress().stopped()).isTrue();
        assertThat(rule.progress().best()).isEqualTo(0.7);
        assertThat(rule.progress().bestStep()).isEqualTo(40);
        assertThat(rule.progress().sinceBest()).isEqualTo(2);
        assertThat(rule.restoreAt(60)).isTrue(); // the model in hand is not the best one
        assertThat(rule.restoreAt(40)).isFalse();
    }

    @Test
    void onAnAccuracyHigherIsBetterAndATieIsNoImprovement() {
        EarlyStopping rule = new EarlyStopping(false, 3);
        assertThat(feed(rule, 0.5, 0.7, 0.7, 0.6, 0.65)).containsExactly(KEEP, KEEP, WAIT, WAIT, STOP);
        assertThat(rule.progress().best()).isEqualTo(0.7);
        assertThat(rule.progress().bestStep()).isEqualTo(20);
        assertThat(rule.restoreAt(50)).isTrue();
    }

    @Test
    void theLastResultBeingTheBestNeedsNoRestore() {
        EarlyStopping rule = new EarlyStopping(false, 2);
        assertThat(feed(rule, 0.5, 0.4, 0.9)).containsExactly(KEEP, WAIT, KEEP);
        assertThat(rule.progress().stopped()).isFalse();
        assertThat(rule.restoreAt(30)).isFalse();
    }

    @Test
    void withoutPatienceItTracksTheBestButNeverStopsNorRestores() {
        EarlyStopping rule = new EarlyStopping(true, 0);
        assertThat(feed(rule, 1.0, 2.0, 3.0, 4.0, 5.0)).containsExactly(KEEP, WAIT, WAIT, WAIT, WAIT);
        assertThat(rule.progress().stopped()).isFalse();
        assertThat(rule.keepsParameters()).isFalse();
        assertThat(rule.progress().best()).isEqualTo(1.0);
        assertThat(rule.restoreAt(50)).isFalse();
        assertThat(new EarlyStopping(true, 0).restoreAt(0)).isFalse(); // nothing observed
    }

    @Test
    void aResumedRuleContinuesFromTheCheckpointsBestAndCount() {
        EarlyStopping rule = new EarlyStopping(true, 3, 0.5, 100, 2);
        assertThat(rule.observe(120, 0.6)).isEqualTo(STOP); // the third without improvement
        assertThat(rule.progress().bestStep()).isEqualTo(100);
        EarlyStopping again = new EarlyStopping(true, 3, 0.5, 100, 2);
        assertThat(again.observe(120, 0.4)).isEqualTo(KEEP);
        assertThat(again.progress().sinceBest()).isZero();
    }
}
