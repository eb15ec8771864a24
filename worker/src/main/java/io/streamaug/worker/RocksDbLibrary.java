package io.streamaug.worker;

import io.streamaug.core.process.NativeLibraryCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's native library, on which Kafka Streams keeps a worker's persistent stores (the
 * mix buffer), from the user's {@link NativeLibraryCache}, before Streams opens a store. RocksDB's
 * own loader extracts the library (15 MB on Linux x86-64) into the temp directory for every JVM and
 * deletes it at exit only: each worker killed with SIGKILL left its copy behind. Where no shared
 * copy can be made or loaded, RocksDB's own loader runs as before, at the first store.
 */
final class RocksDbLibrary {
    private static boolean tried;

    private RocksDbLibrary() {
    }

    /** Loads the library from the shared copy, once per JVM; a no-op where RocksDB is loaded already. */
    static synchronized void load() {
        if (tried) {
            return;
        }
        tried = true;
        try {
            // RocksDB's own names: its loader extracts the first from its jar (librocksdbjni-linux64.so),
            // and loadLibrary(paths) loads the second from each path (librocksdbjnijni-linux64.so, sic).
            Path copy = NativeLibraryCache.copyOf(RocksDB.class, "/" + Environment.getJniLibraryFileName("rocksdb"),
                    Environment.getJniLibraryFileName("rocksdbjni"));
            if (copy != null) {
                RocksDB.loadLibrary(List.of(copy.getParent().toString()));
            }
        } catch (IOException | UnsatisfiedLinkError | SecurityException | UnsupportedOperationException e) {
            // RocksDB's own loader at the first store. (Environment's names throw
            // UnsupportedOperationException on a platform RocksDB ships no library for.)
        }
    }
}
