package io.streamaug.trainer.config;

import static io.streamaug.trainer.config.TrainConfig.choose;

import io.streamaug.trainer.config.TrainConfig.Init;
import io.streamaug.trainer.config.TrainConfig.Io;
import io.streamaug.trainer.config.TrainConfig.Model;
import io.streamaug.trainer.config.TrainConfig.ModelKind;
import io.streamaug.trainer.config.TrainConfig.Monitor;
import io.streamaug.trainer.config.TrainConfig.Norm;
import io.streamaug.trainer.config.TrainConfig.Optimiser;
import io.streamaug.trainer.config.TrainConfig.Optimizer;
import io.streamaug.trainer.config.TrainConfig.Regularisation;
import io.streamaug.trainer.config.TrainConfig.Schedule;
import io.streamaug.trainer.config.TrainConfig.ScheduleKind;
import io.streamaug.trainer.config.TrainConfig.Validation;
import java.util.List;

/**
 * A {@link TrainConfig} as its keys spell it: one snake_case field per key, in the order of
 * {@code docs/trainer.md}. It is the form of YAML files, {@code --set} overrides, environment
 * variables and the config JSON inside checkpoints (so checkpoints of every version read alike);
 * choices are their lower-case names. Unchecked: {@link #toConfig()} checks.
 */
record FlatConfig(
        String name,
        String dataset,
        String model,
        List<Integer> hidden,
        List<Integer> convChannels,
        String norm,
        int normThreshold,
        int batchSize,
        int shuffleBuffer,
        String optimizer,
        double lr,
        double momentum,
        double weightDecay,
        double l1,
        double dropout,
        double labelSmoothing,
        String schedule,
        int warmupSteps,
        int stepSize,
        List<Integer> milestones,
        double gamma,
        int totalSteps,
        double minLr,
        String init,
        double gradClip,
        int textFeatures,
        int evalEvery,
        int patience,
        String monitor,
        int checkpointEvery,
        long maxSteps,
        long maxSamples,
        int idleTimeout,
        int logEvery,
        long seed) {

    static FlatConfig of(TrainConfig c) {
        TrainConfig.Model m = c.model();
        TrainConfig.Optimiser o = c.optimiser();
        TrainConfig.Regularisation r = c.regularisation();
        TrainConfig.Schedule s = c.schedule();
        TrainConfig.Validation v = c.validation();
        TrainConfig.Io io = c.io();
        return new FlatConfig(c.name(), c.dataset(), m.kind().key(), m.hidden(), m.convChannels(), m.norm().key(),
                m.normThreshold(), o.batchSize(), io.shuffleBuffer(), o.kind().key(), o.lr(), o.momentum(), r.weightDecay(),
                r.l1(), r.dropout(), r.labelSmoothing(), s.kind().key(), s.warmupSteps(), s.stepSize(), s.milestones(),
                s.gamma(), s.totalSteps(), s.minLr(), m.init().key(), o.gradClip(), m.textFeatures(), v.evalEvery(),
                v.patience(), v.monitor().key(), io.checkpointEvery(), io.maxSteps(), io.maxSamples(), io.idleTimeout(),
                io.logEvery(), c.seed());
    }

    /** @throws io.streamaug.core.cli.ConfigException naming the first key whose value is not allowed */
    TrainConfig toConfig() {
        return new TrainConfig(name, dataset,
                new Model(choose(ModelKind.values(), "model", model), hidden, convChannels,
                        choose(Norm.values(), "norm", norm), normThreshold, choose(Init.values(), "init", init), textFeatures),
                new Optimiser(choose(Optimizer.values(), "optimizer", optimizer), lr, momentum, gradClip, batchSize),
                new Regularisation(weightDecay, l1, dropout, labelSmoothing),
                new Schedule(choose(ScheduleKind.values(), "schedule", schedule), warmupSteps, stepSize, milestones, gamma,
                        totalSteps, minLr),
                new Validation(evalEvery, patience, choose(Monitor.values(), "monitor", monitor)),
                new Io(shuffleBuffer, checkpointEvery, maxSteps, maxSamples, idleTimeout, logEvery),
                seed);
    }
}
