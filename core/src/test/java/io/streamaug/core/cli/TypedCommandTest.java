package io.streamaug.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line a run records is the one typed: each word once, quoted where a shell would need it. */
class TypedCommandTest {
    @Command(name = "tool", subcommands = Sub.class)
    static final class Root implements Runnable {
        @Override
        public void run() {
        }
    }

    @Command(name = "sub")
    static final class Sub implements Callable<Integer> {
        static String typed;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--name")
        String name;

        @Override
        public Integer call() {
            typed = Commands.typed(spec);
            return 0;
        }
    }

    @Test
    void aSubcommandIsRecordedOnceAfterTheToolsName() {
        assertThat(new CommandLine(new Root()).execute("sub", "--name", "two words")).isZero();
        assertThat(Sub.typed).isEqualTo("tool sub --name 'two words'");
    }

    @Test
    void aCommandRunOnItsOwnIsRecordedUnderItsName() {
        assertThat(new CommandLine(new Sub()).execute("--name", "x")).isZero();
        assertThat(Sub.typed).isEqualTo("sub --name x");
    }
}
