package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.Split;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.Toy;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.core.Learner;
import io.streamaug.trainer.model.SameDiffChatter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SameDiffChatterTest {
    /** What a CNN with layer norm writes to System.out while it takes two steps. */
    private static String stdoutOfTwoCnnSteps(boolean filtered) {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream raw = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(filtered ? new SameDiffChatter(raw) : raw);
        try {
            System.out.println("before");
            PreparedSample image = Toy.sample("a", 0, Split.TRAIN, 0, new Random(1));
            TrainConfig config = TrainConfig.defaults().with(Map.of("model", "cnn", "hidden", "8", "conv_channels", "4",
                    "norm", "layer", "batch_size", "4"));
            try (Learner steps = Learner.create(config, 2, image)) {
                List<PreparedSample> batch = Toy.train(4, 1);
                steps.fit(batch);
                steps.fit(batch);
            }
            System.out.println("after");
        } finally {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sameDiffsGradientGraphChatterIsDroppedAndNothingElse() {
        // Without the filter, DL4J prints it (if this starts failing, DL4J stopped and the filter can go).
        assertThat(stdoutOfTwoCnnSteps(false)).contains("Added differentiated op ");
        assertThat(stdoutOfTwoCnnSteps(true)).isEqualTo("before" + System.lineSeparator() + "after" + System.lineSeparator());
    }
}
