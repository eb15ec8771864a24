/**
 * Processes: child JVMs, the one way the project starts its own code in a process of its own
 * (benchmarks, crash and soak tests, chaos), on this JVM's classpath, and stops it by PID; the
 * class-data archive that lets such JVMs start faster; the per-user copies of the native libraries
 * every JVM loads ({@link io.streamaug.core.process.NativeLibraryCache}); and the host a
 * benchmark's figures were measured on ({@link io.streamaug.core.process.HostInfo}).
 */
package io.streamaug.core.process;
