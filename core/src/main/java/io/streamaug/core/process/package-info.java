/**
 * Child JVMs: the one way the project starts its own code in a process of its own (benchmarks,
 * crash and soak tests), on this JVM's classpath, and stops it by PID.
 */
package io.streamaug.core.process;
