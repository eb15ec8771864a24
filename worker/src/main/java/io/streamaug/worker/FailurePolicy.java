package io.streamaug.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.TopologyException;

/**
 * What the worker does with an error that escaped a stream thread (bad records never get here:
 * they are dead-lettered). Errors a new thread recovers from — a transaction the broker dropped
 * during a bounce ({@code InvalidTxnStateException}), a timeout, a fenced producer — replace the
 * thread, which resumes from the last committed offsets, so exactly-once holds. Errors no new
 * thread can mend stop the worker and say why: a refused credential or ACL, a missing source
 * topic, a bad configuration or topology, a broker too old, or a JVM {@link Error}. A thread that
 * keeps failing (more than {@code maxReplacements} within {@code window}) stops the worker too,
 * rather than spin.
 */
final class FailurePolicy {
    /** The decision and the line the worker logs for it. */
    record Decision(StreamThreadExceptionResponse response, String reason) {
    }

    private final int maxReplacements;
    private final Duration window;
    private final Deque<Long> replacements = new ArrayDeque<>();

    FailurePolicy(int maxReplacements, Duration window) {
        this.maxReplacements = maxReplacements;
        this.window = window;
    }

    synchronized Decision decide(Throwable error, long nowNanos) {
        String fatal = fatalReason(error);
        if (fatal != null) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, fatal);
        }
        while (!replacements.isEmpty() && nowNanos - replacements.peekFirst() > window.toNanos()) {
            replacements.pollFirst();
        }
        if (replacements.size() >= maxReplacements) {
            return new Decision(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, "a stream thread failed "
                    + (maxReplacements + 1) + " times within " + window.toSeconds() + " s, last with " + describe(error));
        }
        replacements.addLast(nowNanos);
        return new Decision(StreamThreadExceptionResponse.REPLACE_THREAD, "replacing a stream thread after "
                + describe(error) + "; it resumes from the last committed offsets");
    }

    /** Why no new thread can recover from {@code error}, or null when one can. */
    static String fatalReason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Error) {
                return "the JVM failed: " + describe(t);
            }
            if (t instanceof AuthenticationException) {
                return "Kafka refused the credentials (" + t.getMessage() + "); check --kafka sasl.* / ssl.* settings";
            }
            if (t instanceof AuthorizationException) {
                return "Kafka refused an operation (" + t.getMessage() + "); grant the worker's principal the ACLs in"
                        + " docs/deploy.md";
            }
            if (t instanceof MissingSourceTopicException) {
                return "a source topic is missing (" + t.getMessage() + "); create the topics with './streamaug topics'";
            }
            if (t instanceof TopologyException || t instanceof ConfigException || t instanceof UnsupportedVersionException) {
                return "the worker cannot run as configured: " + describe(t);
            }
        }
        return null;
    }

    /** Whether the cluster refused the worker's credentials or an ACL: a configuration matter, no stack trace helps. */
    static boolean refusedAccess(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
