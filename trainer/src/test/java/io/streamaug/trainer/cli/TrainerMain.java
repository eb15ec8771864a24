package io.streamaug.trainer.cli;

import io.streamaug.core.cli.Commands;
import picocli.CommandLine;

/** {@code streamaug train} alone, for tests that run a trainer as a child JVM. */
public final class TrainerMain {
    private TrainerMain() {
    }

    public static void main(String[] args) {
        System.exit(Commands.configure(new CommandLine(new TrainCommand())).execute(args));
    }
}
