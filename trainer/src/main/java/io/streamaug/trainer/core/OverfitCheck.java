package io.streamaug.trainer.core;

import io.streamaug.kafka.Topics;
import io.streamaug.core.cli.UsageException;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.trainer.config.TrainConfig;
import io.streamaug.trainer.source.TopicReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The lecture's second sanity check: a model that cannot drive the training loss to about zero on
 * ~100 samples, without regularisation, has a bug (or too little capacity). Trains full-batch on
 * the first hard-labelled samples of the train topic and reports.
 */
public final class OverfitCheck {
    /** Pass threshold of the final training loss. */
    public static final double PASS_LOSS = 0.05;
    private static final int MAX_STEPS = 500;

    public record Result(int samples, int steps, double firstLoss, double finalLoss) {
        public boolean passed() {
            return finalLoss < PASS_LOSS;
        }
    }

    private OverfitCheck() {
    }

    public static Result run(Properties clientProperties, Topics topics, TrainConfig config, int classes, int count,
            Consumer<String> log) {
        List<PreparedSample> samples = TopicReader.first(clientProperties, topics.augmentedTrain(), count,
                s -> config.dataset().equals(s.dataset()) && s.label() instanceof Label.Hard);
        if (samples.isEmpty()) {
            throw new UsageException("no hard-labelled " + config.dataset() + " samples on " + topics.augmentedTrain()
                    + " to overfit; start the augment workers first");
        }
        TrainConfig plain = config.withoutRegularisation();
        try (Learner learner = Learner.create(plain, classes, samples.get(0))) {
            List<PreparedSample> usable = new ArrayList<>();
            for (PreparedSample s : samples) {
                try {
                    learner.check(s);
                    usable.add(s);
                } catch (IllegalArgumentException e) {
                    // another shape or kind than the first: not part of the check
                }
            }
            log.accept(String.format("overfit check: %d samples, full batch, no regularisation, %s lr %s", usable.size(),
                    plain.optimiser().kind(), io.streamaug.core.cli.HumanNumbers.format(plain.optimiser().lr())));
            double firstLoss = Double.NaN;
            double loss = Double.NaN;
            int step = 0;
            while (step < MAX_STEPS) {
                loss = learner.fit(usable);
                step++;
                if (step == 1) {
                    firstLoss = loss;
                }
                if (step % 50 == 0) {
                    log.accept(String.format("overfit check: step %d, loss %.4f", step, loss));
                }
                if (loss < PASS_LOSS / 5) {
                    break;
                }
            }
            return new Result(usable.size(), step, firstLoss, loss);
        }
    }
}
