package io.streamaug.core.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The exit-code and error-message rules every command follows: a bad flag or value is one line
 * and exit 2; a {@link UsageException} is one line and exit 2; anything else is one line and
 * exit 1, with the stack trace only when {@code STREAMAUG_DEBUG} is set.
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
        StringBuilder line = new StringBuilder(spec.qualifiedName());
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            line.append(' ').append(arg.isEmpty() || arg.matches(".*[\\s'\"$].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return line.toString();
    }

    /** Installs the error rules on a command line (and all its subcommands). */
    public static CommandLine configure(CommandLine commandLine) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            String name = qualifiedName(cmd);
            err.println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
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
