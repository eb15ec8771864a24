package io.streamaug.deploy;

import io.streamaug.augment.offline.ApplyCommand;
import io.streamaug.augment.offline.PreviewCommand;
import io.streamaug.worker.produce.ProduceCommand;
import io.streamaug.worker.stats.StatsCommand;
import io.streamaug.worker.AugmentCommand;
import io.streamaug.broker.BrokerCommand;
import io.streamaug.core.cli.Commands;
import io.streamaug.trainer.cli.EvaluateCommand;
import io.streamaug.trainer.cli.SweepCommand;
import io.streamaug.trainer.cli.TrainCommand;
import io.streamaug.trainer.core.Nd4jProcess;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./streamaug}: the one entry point; every command lives in the module that owns its work. */
@Command(name = "streamaug", mixinStandardHelpOptions = true, version = "streamaug 0.1.0",
        description = "Streaming data augmentation for deep learning, on Apache Kafka.",
        subcommands = {BrokerCommand.class, TopicsCommand.class, DatasetCommand.class, ProduceCommand.class, StatsCommand.class, AugmentCommand.class,
            TrainCommand.class, EvaluateCommand.class, SweepCommand.class, PreviewCommand.class, ApplyCommand.class, BenchCommand.class, DemoCommand.class, ChaosCommand.class,
            CommandLine.HelpCommand.class})
public final class StreamaugCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which command to run");
    }

    public static void main(String[] args) {
        Nd4jProcess.prepare();
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0 ok, 1 failure, 2 usage). */
    public static int run(String... args) {
        return Commands.configure(new CommandLine(new StreamaugCli())).execute(args);
    }
}
