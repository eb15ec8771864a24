package io.streamaug.trainer.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM during a command's work: a shutdown hook asks the work to stop, then holds the
 * JVM up until the command closes this (its last checkpoint and summary written), or for at most
 * {@code grace}. Closing also removes the hook, so a command that ends on its own, or with an
 * error, exits at once.
 *
 * <p>The hook must not wait for the command's thread to end: that thread is the one that calls
 * {@code System.exit}, and it only returns from there after the hooks.
 */
final class GracefulStop implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    GracefulStop(Runnable stop, Duration grace, String name) {
        hook = new Thread(() -> {
            stop.run();
            try {
                done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Thread hook() {
        return hook;
    }

    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running, and now returns
        }
    }
}
