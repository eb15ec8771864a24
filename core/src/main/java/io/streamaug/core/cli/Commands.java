package io.streamaug.core.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * The exit-code and error-message rules every command follows: a bad flag or value is one line
 * (naming the nearest known flags or commands for an unknown one) and exit 2; a
 * {@link UsageException} is one line and exit 2; anything else is one line and exit 1, with the
 * stack trace only when {@code STREAMAUG_DEBUG} is set. Help text reads as written ({@link ReadableHelp}).
 */
public final class Commands {
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_FAILURE = 1;

    private Commands() {
    }

    /**
     * The command as typed, to record with what it made: the command's qualified name and every
     * argument as given, single-quoted when it holds a space, a quote or a dollar sign.
     */
    public static String typed(CommandLine.Model.CommandSpec spec) {
        // A subcommand's parse result holds the whole command line's arguments, its own name among them:
        // they follow the root's name, not the subcommand's qualified name.
        StringBuilder line = new StringBuilder(spec.root().qualifiedName());
        for (String arg : spec.root().commandLine().getParseResult().originalArgs()) {
            line.append(' ').append(arg.isEmpty() || arg.matches(".*[\\s'\"$].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return line.toString();
    }

    /** Installs the error rules on a command line (and all its subcommands). */
    public static CommandLine configure(CommandLine commandLine) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setHelpFactory(ReadableHelp::new);
        commandLine.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            String name = qualifiedName(cmd);
            err.println(name + ": " + oneLine(ex.getMessage()) + suggestions(ex) + " (see '" + name + " --help')");
            err.flush();
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            Throwable problem = unwrap(ex);
            if (problem instanceof UsageException || problem instanceof ConfigException
                    || problem instanceof IllegalArgumentException) {
                err.println(qualifiedName(cmd) + ": " + oneLine(problem.getMessage()));
                err.flush();
                return EXIT_USAGE;
            }
            String kind = problem.getClass().getName(); // by name: this module knows no Kafka classes
            if (kind.startsWith("org.apache.kafka.") && (kind.endsWith("AuthorizationException")
                    || kind.endsWith("AuthenticationException"))) {
                err.println(qualifiedName(cmd) + ": " + (kind.endsWith("AuthorizationException")
                        ? "not authorised by the cluster's ACLs (" : "the cluster refused this client's credentials (")
                        + problem.getClass().getSimpleName() + "): " + oneLine(problem.getMessage())
                        + "; check the user in --kafka-config and its ACLs (docs/deploy.md#a-secured-cluster)");
                err.flush();
                return EXIT_USAGE;
            }
            if (System.getenv("STREAMAUG_DEBUG") != null) {
                problem.printStackTrace(err);
            }
            err.println(qualifiedName(cmd) + ": failed: " + describe(problem)
                    + (System.getenv("STREAMAUG_DEBUG") == null ? " (set STREAMAUG_DEBUG=1 for details)" : ""));
            err.flush();
            return EXIT_FAILURE;
        });
        return commandLine;
    }

    /**
     * For an unknown command or flag, the nearest known ones: picocli's for a command; for a flag,
     * the long options sharing most letter pairs with it ({@code --minibatch} → {@code --batch-size};
     * picocli only offers those with the same first two letters).
     */
    private static String suggestions(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return "";
        }
        String arg = unmatched.getUnmatched().get(0).replaceFirst("=.*", "");
        List<String> nearest = arg.startsWith("-")
                ? nearestOptions(arg, ex.getCommandLine().getCommandSpec().optionsMap().keySet())
                : unmatched.getSuggestions().stream().limit(3).toList();
        return nearest.isEmpty() ? "" : "; did you mean " + String.join(" or ", nearest) + "?";
    }

    /** Up to three long options most like {@code arg} by the Dice coefficient of their letter pairs, if alike at all. */
    static List<String> nearestOptions(String arg, java.util.Collection<String> options) {
        java.util.Set<String> pairs = pairs(arg);
        return options.stream().filter(o -> o.startsWith("--"))
                .map(o -> java.util.Map.entry(o, dice(pairs, pairs(o))))
                .filter(e -> e.getValue() >= 0.3)
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(3).map(java.util.Map.Entry::getKey).toList();
    }

    private static java.util.Set<String> pairs(String option) {
        String word = option.replaceFirst("^-+", "").toLowerCase(java.util.Locale.ROOT);
        java.util.Set<String> pairs = new java.util.HashSet<>();
        for (int i = 0; i + 2 <= word.length(); i++) {
            pairs.add(word.substring(i, i + 2));
        }
        return pairs;
    }

    private static double dice(java.util.Set<String> a, java.util.Set<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        long common = a.stream().filter(b::contains).count();
        return 2.0 * common / (a.size() + b.size());
    }

    private static Throwable unwrap(Throwable ex) {
        Throwable current = ex;
        while ((current instanceof java.util.concurrent.ExecutionException
                || current instanceof java.util.concurrent.CompletionException
                || current instanceof java.lang.reflect.InvocationTargetException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private static String describe(Throwable problem) {
        String message = problem.getMessage() == null ? "" : ": " + oneLine(problem.getMessage());
        // By package, not by type: this module knows no Kafka classes (maven-enforcer bans them).
        if (problem.getClass().getName().startsWith("org.apache.kafka.")) {
            return "Kafka error " + problem.getClass().getSimpleName() + message;
        }
        return problem.getClass().getSimpleName() + message;
    }

    private static String qualifiedName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName(" ");
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        String flat = message.replaceAll("\\s*\\R\\s*", " ").trim();
        return flat.isEmpty() ? "unknown error" : flat;
    }
}
