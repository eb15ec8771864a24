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
@Command(name = "streamaug", mixinStandardHelpOptions = true, version = StreamaugCli.VERSION,
        description = "Streaming data augmentation for deep learning, on Apache Kafka.",
        subcommands = {BrokerCommand.class, TopicsCommand.class, DatasetCommand.class, ProduceCommand.class, StatsCommand.class, AugmentCommand.class,
            TrainCommand.class, EvaluateCommand.class, SweepCommand.class, PreviewCommand.class, ApplyCommand.class, BenchCommand.class, DemoCommand.class, ChaosCommand.class,
            CommandLine.HelpCommand.class})
public final class StreamaugCli implements Runnable {
    static final String VERSION = "streamaug 0.1.0";

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
        return Commands.configure(commandLine(args)).execute(args);
    }

    /**
     * The command line for {@code args}: with only the command they name, when they name one. picocli
     * builds the model of every command (options, mixins, defaults) when the root is made, and all
     * of them take about half a second of each worker's and trainer's start-up; help, a typo or no
     * command at all get every command.
     */
    static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> command : StreamaugCli.class.getAnnotation(Command.class).subcommands()) {
                if (command != CommandLine.HelpCommand.class && command.getAnnotation(Command.class).name().equals(args[0])) {
                    return new CommandLine(new OneCommand()).addSubcommand(command);
                }
            }
        }
        return new CommandLine(new StreamaugCli());
    }

    /** The root of a command line with one command, which always runs: the same name and version, no other command. */
    @Command(name = "streamaug", mixinStandardHelpOptions = true, version = VERSION)
    static final class OneCommand {
    }
}
