/**
 * Child JVMs: the one way the project starts its own code in a process of its own (benchmarks,
 * crash and soak tests, chaos), on this JVM's classpath, and stops it by PID; and the class-data
 * archive that lets such JVMs start faster.
 */
package io.streamaug.core.process;
