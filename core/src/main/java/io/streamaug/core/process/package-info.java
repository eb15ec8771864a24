/**
<<<<<<< HEAD
 * Processes: child JVMs, the one way the project starts its own code in a process of its own
 * (benchmarks, crash and soak tests), on this JVM's classpath, and stops it by PID; and the host a
 * benchmark's figures were measured on ({@link io.streamaug.core.process.HostInfo}).
=======
 * Child JVMs: the one way the project starts its own code in a process of its own (benchmarks,
 * crash and soak tests, chaos), on this JVM's classpath, and stops it by PID; and the class-data
 * archive that lets such JVMs start faster.
>>>>>>> start
 */
package io.streamaug.core.process;
