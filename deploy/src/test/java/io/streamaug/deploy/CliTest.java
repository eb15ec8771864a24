package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.cli.Commands;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CliTest {
    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        return run(new CommandLine(new StreamaugCli()), args);
    }

    private static Outcome run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Commands.configure(commandLine);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker", "topics", "dataset", "produce", "produce images", "produce text", "stats", "augment", "train", "preview", "apply",
        "bench", "bench ops", "bench decode", "bench text", "demo"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").split(" ");
        Outcome outcome = run(args);
        assertThat(outcome.code()).isZero();
        assertThat(outcome.out()).startsWith("Usage: streamaug " + command);
    }

    @Test
    void theLauncherBuildsOnlyTheCommandItRunsAndSaysExactlyWhatTheWholeCommandLineSays() {
        assertThat(StreamaugCli.commandLine("augment", "--help").getSubcommands()).containsOnlyKeys("augment");
        assertThat(StreamaugCli.commandLine("produce", "images").getSubcommands()).containsOnlyKeys("produce");
        int all = new CommandLine(new StreamaugCli()).getSubcommands().size();
        for (String[] args : List.of(new String[0], new String[] {"help", "augment"}, new String[] {"augmnt"},
                new String[] {"--version"})) {
            assertThat(StreamaugCli.commandLine(args).getSubcommands()).as(String.join(" ", args)).hasSize(all);
        }
        for (String[] args : List.of(new String[] {"augment", "--help"}, new String[] {"augment", "--bogus"},
                new String[] {"produce", "images", "--bootstrap", "no-port"}, new String[] {"train", "--minibatch", "8"},
                new String[] {"augmnt"}, new String[] {"help", "train"})) {
            assertThat(run(StreamaugCli.commandLine(args), args)).as(String.join(" ", args)).isEqualTo(run(args));
        }
    }

    @Test
    void kafkaCommandsTakeBootstrapAndPassThroughClientSettings() {
        for (String command : List.of("topics", "produce images", "produce text", "stats", "augment", "train")) {
            String help = run((command + " --help").split(" ")).out();
            assertThat(help).contains("--bootstrap=HOST:PORT").contains("STREAMAUG_BOOTSTRAP").contains("--kafka=KEY=VALUE");
        }
    }

    @Test
    void aBadFlagOrValueIsOneLineNamingItAndExitsTwo() {
        for (String[] args : List.of(new String[] {"broker", "--port", "abc"}, new String[] {"produce", "images", "--bogus"},
                new String[] {"augment", "--bootstrap", "no-port"}, new String[] {"augment", "--dtype", "int4"},
                new String[] {"nonsense"}, new String[] {"topics", "--kafka", "=x"},
                new String[] {"augment", "--spec", "no-such-spec", "--bootstrap", "127.0.0.1:1"},
                new String[] {"preview", "--n", "-1"}, new String[] {"apply", "--spec", "fashion-mnist"},
                new String[] {"topics", "--replication-factor", "0", "--bootstrap", "127.0.0.1:1"},
                new String[] {"topics", "--replication-factor", "2", "--min-insync-replicas", "3", "--bootstrap", "127.0.0.1:1"},
                new String[] {"bench", "soak", "--model", "text"})) {
            Outcome outcome = run(args);
            assertThat(outcome.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(outcome.err().strip().lines()).as(outcome.err()).hasSize(1);
            assertThat(outcome.err()).startsWith("streamaug").doesNotContain("Exception");
        }
        // Flags picocli rejects also point at the command's help.
        assertThat(run("produce", "images", "--bogus").err()).contains("(see 'streamaug produce images --help')");
        assertThat(run("augment", "--spec", "no-such-spec", "--bootstrap", "127.0.0.1:1").err())
                .contains("not a bundled spec (fashion-mnist, imagenet-style, imagenet-randaugment, photos)");
        assertThat(run("broker", "--port", "abc").err()).contains("'--port'").contains("'abc'");
        assertThat(run("augment", "--bootstrap", "no-port").err()).contains("HOST:PORT");
        assertThat(run("topics", "--replication-factor", "2", "--min-insync-replicas", "3", "--bootstrap", "127.0.0.1:1").err())
                .contains("--min-insync-replicas 3 is more than --replication-factor 2");
        assertThat(run("bench", "soak", "--model", "text").err()).contains("--model must be mlp or cnn, got 'text'");
    }

    @Test
    void anUnreachableBrokerIsOneClearLineAndExitsTwo() {
        Outcome outcome = run("topics", "--bootstrap", "127.0.0.1:1");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip().lines()).hasSize(1);
        assertThat(outcome.err()).contains("cannot reach Kafka at 127.0.0.1:1").contains("./streamaug broker");

        // evaluate used to wait for the broker without end.
        long started = System.nanoTime();
        Outcome evaluate = run("evaluate", "--checkpoint", "../trainer/src/test/resources/checkpoints/v1-mlp",
                "--bootstrap", "127.0.0.1:1");
        assertThat(evaluate.code()).isEqualTo(2);
        assertThat(evaluate.err().strip().lines()).as(evaluate.err()).hasSize(1);
        assertThat(evaluate.err()).contains("cannot reach Kafka at 127.0.0.1:1");
        assertThat(System.nanoTime() - started).as("fails within 30 s").isLessThan(30_000_000_000L);
    }

    @Test
    void invalidValuesCheckedByTheCommandAreOneLineToo() {
        Outcome outcome = run("produce", "images", "--data", "/nonexistent/dir", "--bootstrap", "127.0.0.1:1");
        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err().strip()).isEqualTo("streamaug produce images: --data /nonexistent/dir is not a directory");
    }

    @Test
    void aTestFractionForASourceWithItsOwnTestSplitIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("test/cats"));
        java.nio.file.Files.createDirectories(dir.resolve("train/cats"));
        Outcome folder = run("produce", "images", "--data", dir.toString(), "--test-fraction", "0.2", "--bootstrap", "127.0.0.1:1");
        assertThat(folder.code()).isEqualTo(2);
        assertThat(folder.err()).contains("--test-fraction applies to image folders without a test/ folder")
                .contains("has a test/ folder");
        Outcome idx = run("produce", "images", "--test-fraction", "0.2", "--bootstrap", "127.0.0.1:1");
        assertThat(idx.code()).isEqualTo(2);
        assertThat(idx.err()).contains("the IDX files bring their own test file");
        Outcome tooMuch = run("produce", "images", "--data", dir.resolve("train").toString(), "--val-fraction", "0.5",
                "--test-fraction", "0.5", "--bootstrap", "127.0.0.1:1");
        assertThat(tooMuch.code()).isEqualTo(2);
        assertThat(tooMuch.err()).contains("sum to less than 1");
    }
}
