package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.cli.Commands;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help, rendered at the default 80 columns, reads as written. */
class HelpTextTest {

    static Stream<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Commands.configure(new CommandLine(new StreamaugCli())), all);
        return all.stream();
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void helpReadsAsWritten(CommandLine command) {
        String name = command.getCommandSpec().qualifiedName(" ");
        String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
        String flat = help.replaceAll("\\s+", " ");

        // No sentence broken across description lines: each line of a description is whole (an
        // indented line is an example), and wraps without splitting a word.
        for (String line : command.getCommandSpec().usageMessage().description()) {
            String sentence = line.replace("%n", " ");
            assertThat(flat).as("%s: its description, wrapped without splitting a word", name)
                    .contains(sentence.replaceAll("\\s+", " ").strip());
            if (!line.startsWith("  ")) {
                assertThat(sentence.strip()).as("%s: a description line that stops mid-sentence", name).matches("(?s).*[.:!?]\\)?");
            }
        }
        for (ArgSpec arg : args(command)) {
            String description = String.join(" ", arg.renderedDescription()).replaceAll("\\s+", " ").strip();
            if (description.isEmpty()) {
                continue;
            }
            // Wrapping splits lines at spaces only: a token cut at ':' or '.' shows as "HOST: PORT".
            assertThat(flat).as("%s %s: its description, wrapped without splitting a word", name, label(arg))
                    .contains(description);
            assertThat(description).as("%s %s", name, label(arg)).matches("(?s).*[.:!?]\\)?");
        }
        // One placeholder style: upper-case names (HOST:PORT, FILE, N), never picocli's <fieldName>.
        assertThat(help).as("%s: placeholders", name).doesNotContain("<");
    }

    @Test
    void anUnknownFlagOrCommandNamesTheNearestOnes() {
        CliTest.Outcome flag = CliTest.run("train", "--minibatch", "8");
        assertThat(flag.code()).isEqualTo(2);
        assertThat(flag.err().strip().lines()).hasSize(1);
        assertThat(flag.err()).contains("did you mean").contains("--batch-size");
        CliTest.Outcome command = CliTest.run("trian");
        assertThat(command.err()).contains("did you mean").contains("train");
    }

    @Test
    void sweepNamesItsTrainersAfterTheDefaultItShows() {
        String help = CliTest.run("sweep", "--help").out().replaceAll("\\s+", " ");
        assertThat(help).contains("default for sweep: sweep-1, sweep-2");
    }

    private static List<ArgSpec> args(CommandLine command) {
        List<ArgSpec> args = new ArrayList<>(command.getCommandSpec().options());
        args.addAll(command.getCommandSpec().positionalParameters());
        return args;
    }

    private static String label(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }
}
