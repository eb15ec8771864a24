package io.streamaug.core.wire;

import java.util.Map;

/**
 * One op applied to a sample with the parameters it drew: enough to replay or explain the output.
 * Parameter values are JSON scalars or lists (numbers, booleans, strings).
 *
 * <p>Parameters are kept in key order, so a prepared record's bytes never depend on the iteration
 * order of the map an op built: {@code Map.of}'s differs from JVM to JVM, and "the same record gives
 * the same bytes on any worker" must hold across JVMs.
 */
public record OpTrace(String op, Map<String, Object> params) {
    public OpTrace {
        if (op == null || op.isBlank()) {
            throw new IllegalArgumentException("op name must not be empty");
        }
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(params));
    }
}
