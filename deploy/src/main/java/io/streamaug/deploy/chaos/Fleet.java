package io.streamaug.deploy.chaos;

import io.streamaug.core.process.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Numbered slots of child JVMs of one kind (the workers, or the one trainer), each started from
 * its slot's command line and logging to a file per incarnation. A slot is what a StatefulSet pod
 * is: a replacement runs under the same name and state directory as the process it replaces.
 * Processes that exit while they were meant to run are counted as unexpected exits.
 */
final class Fleet implements AutoCloseable {
    private final String kind;
    private final Path logs;
    private final IntFunction<ChildJvm> launcher;
    private final Process[] slots;
    private final int[] incarnations;
    private final List<String> unexpectedExits = new ArrayList<>();

    Fleet(String kind, int capacity, Path logs, IntFunction<ChildJvm> launcher) throws IOException {
        this.kind = kind;
        this.logs = Files.createDirectories(logs);
        this.launcher = launcher;
        this.slots = new Process[capacity];
        this.incarnations = new int[capacity];
    }

    /** Starts slot {@code slot}'s process. */
    synchronized void start(int slot) throws IOException {
        incarnations[slot]++;
        slots[slot] = launcher.apply(slot).logTo(log(slot, incarnations[slot])).start();
    }

    /** The log of the slot's current (or last) incarnation. */
    synchronized Path log(int slot) {
        return log(slot, incarnations[slot]);
    }

    private Path log(int slot, int incarnation) {
        return logs.resolve(kind + "-" + slot + "-" + incarnation + ".log");
    }

    /** SIGKILL: a crash, with no shutdown hook and an open transaction left behind. */
    synchronized long kill(int slot) throws InterruptedException {
        Process process = slots[slot];
        slots[slot] = null;
        if (process == null) {
            return -1;
        }
        ChildJvm.kill(process);
        return process.pid();
    }

    /** SIGTERM, as a scale-down or a container stop: the process commits and leaves. */
    synchronized int stop(int slot, Duration grace) throws InterruptedException {
        Process process = slots[slot];
        slots[slot] = null;
        return process == null ? -1 : ChildJvm.stop(process, grace);
    }

    /** The slots whose process runs. */
    synchronized List<Integer> running() {
        List<Integer> running = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && slots[i].isAlive()) {
                running.add(i);
            }
        }
        return running;
    }

    /** The slots that should run but whose process has exited on its own. */
    synchronized List<Integer> exited() {
        List<Integer> exited = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && !slots[i].isAlive()) {
                exited.add(i);
            }
        }
        return exited;
    }

    /** Whether slot {@code slot}'s process has exited on its own, and with which status (-1: still running or none). */
    synchronized int exitStatus(int slot) {
        Process process = slots[slot];
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    /** Notes that slot {@code slot} exited without being asked, then forgets its process. */
    synchronized void noteUnexpectedExit(int slot, String why) {
        unexpectedExits.add(kind + " " + slot + ": " + why + " (log: " + log(slot) + ")");
        slots[slot] = null;
    }

    synchronized List<String> unexpectedExits() {
        return List.copyOf(unexpectedExits);
    }

    synchronized long pid(int slot) {
        return slots[slot] == null ? -1 : slots[slot].pid();
    }

    /** Stops every process: SIGTERM, then SIGKILL after 30 s. */
    @Override
    public synchronized void close() {
        ChildJvm.stopAll(java.util.Arrays.asList(slots), Duration.ofSeconds(30));
        java.util.Arrays.fill(slots, null);
    }
}
