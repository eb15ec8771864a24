package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every {@code ./streamaug …} a message or a document tells the user to run names a command that
 * exists, with options that command has: the hints are cut out of the sources' string literals and
 * the docs' command lines, and checked against the real command line.
 */
class CommandHintsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /**
     * A hint in a message: {@code './streamaug …'}, {@code 'streamaug …'} or a literal that starts
     * with {@code ./streamaug}, up to the closing quote or the literal's end.
     */
    private static final Pattern SOURCE_HINT = Pattern.compile("(?:^\\./|'\\./|')streamaug ([^'\"]*)");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

    record Hint(String where, List<String> words) {
    }

    @Test
    void everyHintInTheSourcesNamesACommandAndOptionsThatExist() throws IOException {
        List<Hint> hints = sourceHints();
        assertThat(hints).as("hints found").hasSizeGreaterThan(10);
        assertThat(hints).allSatisfy(hint -> assertThat(problem(hint)).as(hint.where() + ": " + hint.words()).isNull());
    }

    @Test
    void everyCommandLineInTheDocsNamesACommandAndOptionsThatExist() throws IOException {
        List<Hint> lines = docCommands();
        assertThat(lines).as("command lines found").hasSizeGreaterThan(20);
        assertThat(lines).allSatisfy(hint -> assertThat(problem(hint)).as(hint.where() + ": " + hint.words()).isNull());
    }

    @Test
    void theCheckCatchesACommandThatDoesNotExist() {
        assertThat(problem(new Hint("t", List.of("dataset", "define", "--name", "x")))).contains("define");
        assertThat(problem(new Hint("t", List.of("train", "--datset", "x")))).contains("--datset");
        assertThat(problem(new Hint("t", List.of("fly")))).contains("fly");
        assertThat(problem(new Hint("t", List.of("stats", "--dataset", "photos", "--topic-prefix", "p")))).isNull();
    }

    /** What is wrong with a hint, or {@code null}. */
    static String problem(Hint hint) {
        CommandLine command = new CommandLine(new StreamaugCli());
        List<String> words = hint.words();
        int i = 0;
        while (i < words.size() && command.getSubcommands().containsKey(words.get(i))) {
            command = command.getSubcommands().get(words.get(i));
            i++;
        }
        if (i == 0 && !words.isEmpty() && words.get(0).startsWith("-")
                && command.getCommandSpec().findOption(words.get(0)) != null) {
            return null; // streamaug --help, --version
        }
        if (i == 0) {
            return "'" + (words.isEmpty() ? "" : words.get(0)) + "' is not a command";
        }
        CommandSpec spec = command.getCommandSpec();
        for (; i < words.size(); i++) {
            String word = words.get(i).replaceAll("^\\[|\\]$", ""); // [--optional FLAGS] in docs
            if (word.startsWith("-")) {
                String name = word.split("=", 2)[0];
                OptionSpec option = spec.findOption(name);
                if (option == null && name.startsWith("--no-")) {
                    OptionSpec negated = spec.findOption("--" + name.substring("--no-".length()));
                    option = negated != null && negated.negatable() ? negated : null;
                }
                if (option == null) {
                    return "'" + spec.qualifiedName(" ") + "' has no option " + word;
                }
                boolean optionalValue = option.arity().min() == 0 && option.arity().max() > 0;
                if (!word.contains("=") && option.arity().max() > 0 && i + 1 < words.size()
                        && !(optionalValue && words.get(i + 1).startsWith("-"))) {
                    i++; // its value (an optional one only when no option follows, as picocli reads it)
                    while (option.arity().max() > 1 && i + 1 < words.size() && !words.get(i + 1).startsWith("-")) {
                        i++; // and more, for an option that takes several
                    }
                }
            } else if (spec.positionalParameters().isEmpty() && !word.equals("…")) {
                return "'" + spec.qualifiedName(" ") + "' takes no argument or subcommand '" + word + "'";
            }
        }
        return null;
    }

    private static List<Hint> sourceHints() throws IOException {
        List<Hint> hints = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/"))
                    .toList()) {
                Matcher literal = STRING_LITERAL.matcher(Files.readString(file));
                while (literal.find()) {
                    Matcher hint = SOURCE_HINT.matcher(literal.group(1));
                    while (hint.find()) {
                        hints.add(new Hint(ROOT.relativize(file).toString(), words(hint.group(1))));
                    }
                }
            }
        }
        return hints;
    }

    /** The {@code ./streamaug …} lines of README and docs (continuation lines joined, comments cut). */
    private static List<Hint> docCommands() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<Hint> hints = new ArrayList<>();
        for (Path doc : docs) {
            String text = Files.readString(doc).replaceAll("\\\\\\n\\s*", " ");
            for (String line : text.lines().toList()) {
                String command = line.strip().replaceFirst("^\\$ ", "");
                if (command.startsWith("./streamaug ")) {
                    String cut = command.substring("./streamaug ".length()).replaceFirst("\\s+#.*$", "")
                            .replaceFirst("\\s*(&&|\\||;|>|&).*$", "");
                    hints.add(new Hint(ROOT.relativize(doc).toString(), words(cut)));
                }
            }
        }
        return hints;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("(?:\"[^\"]*\"|\\S)+").matcher(text.strip());
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }
}
