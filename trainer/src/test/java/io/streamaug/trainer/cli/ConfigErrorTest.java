package io.streamaug.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.cli.Commands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A bad config value stops a command before it looks for a broker: exit 2 and one line naming the key. */
class ConfigErrorTest {
    private static int run(Callable<Integer> command, StringWriter err, String... args) {
        CommandLine cli = Commands.configure(new CommandLine(command));
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @Test
    void aBadValueIsExitTwoAndOneLineNamingTheKey() {
        StringWriter err = new StringWriter();
        assertThat(run(new TrainCommand(), err, "--bootstrap", "127.0.0.1:1", "--dropout", "1.5")).isEqualTo(Commands.EXIT_USAGE);
        assertThat(err.toString().strip()).isEqualTo("train: config key dropout must be in [0, 1), got 1.5");

        StringWriter set = new StringWriter();
        assertThat(run(new TrainCommand(), set, "--bootstrap", "127.0.0.1:1", "--set", "optimizer=adagrad"))
                .isEqualTo(Commands.EXIT_USAGE);
        assertThat(set.toString().strip()).isEqualTo("train: config key optimizer must be adam, adamw or sgd, got adagrad");

        StringWriter grid = new StringWriter();
        assertThat(run(new SweepCommand(), grid, "--bootstrap", "127.0.0.1:1", "--idle-timeout", "1", "--grid",
                "batch_size=8,many")).isEqualTo(Commands.EXIT_USAGE);
        assertThat(grid.toString().strip()).contains("batch_size").doesNotContain("\n");
    }
}
