package io.streamaug.trainer.cli;

import io.streamaug.core.cli.Commands;
import picocli.CommandLine;

/** {@code streamaug sweep} alone, for tests that run a sweep as a child JVM. */
public final class SweepMain {
    private SweepMain() {
    }

    public static void main(String[] args) {
        System.exit(Commands.configure(new CommandLine(new SweepCommand())).execute(args));
    }
}
