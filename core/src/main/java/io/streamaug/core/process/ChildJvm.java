package io.streamaug.core.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM running one of the project's main classes on this JVM's classpath: the launch line of
 * every benchmark and crash test that needs a process of its own (a worker to SIGKILL, a
 * trainer to restart, a soak whose resident size must be its own).
 *
 * <pre>{@code
 * Process worker = ChildJvm.main(StreamaugCli.class).heap("1g").args("augment", "--spec", "fashion-mnist")
 *         .logTo(dir.resolve("worker.log")).start();
 * }</pre>
 */
public final class ChildJvm {
    private final String mainClass;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private Path log;
    private Path directory;

    private ChildJvm(String mainClass) {
        this.mainClass = mainClass;
    }

    /** A child that runs {@code main}'s {@code main} method. */
    public static ChildJvm main(Class<?> main) {
        return new ChildJvm(main.getName());
    }

    /** Sets {@code -Xmx}. */
    public ChildJvm heap(String size) {
        jvmOptions.add("-Xmx" + size);
        return this;
    }

    /** Adds JVM options ({@code -XX:…}, {@code -D…}). */
    public ChildJvm jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** Adds program arguments. */
    public ChildJvm args(String... values) {
        args.addAll(List.of(values));
        return this;
    }

    /** Adds program arguments. */
    public ChildJvm args(List<String> values) {
        args.addAll(values);
        return this;
    }

    /** Sends the child's standard output and error to {@code file} (else the parent reads them). */
    public ChildJvm logTo(Path file) {
        this.log = file;
        return this;
    }

    /** Runs the child in {@code dir} (else in this JVM's working directory). */
    public ChildJvm workingDirectory(Path dir) {
        this.directory = dir;
        return this;
    }

    /** The whole command line: this JVM's {@code java}, the options, the classpath, main and arguments. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Starts the child. */
    public Process start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
        if (log != null) {
            builder.redirectOutput(log.toFile());
        }
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        return builder.start();
    }

    /** SIGKILL, as a crash: waits until the process is gone. */
    public static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within {@code grace}: the way every test and
     * benchmark stops what it started, by PID.
     *
     * @return the exit status
     */
    public static int stop(Process process, Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    /**
     * Stops several processes at once: SIGTERM to all first, so that they shut down side by side,
     * then waits for each (SIGKILL after {@code grace}). Nulls are skipped.
     */
    public static void stopAll(List<Process> processes, Duration grace) {
        for (Process process : processes) {
            if (process != null) {
                process.destroy();
            }
        }
        for (Process process : processes) {
            if (process != null) {
                try {
                    stop(process, grace);
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
