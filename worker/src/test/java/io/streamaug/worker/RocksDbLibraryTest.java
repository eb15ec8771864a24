package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.process.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class RocksDbLibraryTest {
    /**
     * A JVM that makes a stateless worker, then a worker whose topology keeps a RocksDB store, then
     * lets Kafka Streams open and write that store, saying after each step which RocksDB library
     * files it has mapped; then waits to be killed.
     */
    public static final class WorkerWithStore {
        public static void main(String[] args) throws Exception {
            Path state = Path.of(args[0]);
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "rocksdb-library");
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9"); // never started: no broker needed
            config.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve("stateless").toString());
            new AugmentWorker(stateless(), config);
            System.out.println("mapped with a stateless worker: " + mapped());
            config.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve("worker").toString());
            new AugmentWorker(topology(), config);
            System.out.println("mapped with the worker: " + mapped());
            config.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve("driver").toString());
            try (TopologyTestDriver driver = new TopologyTestDriver(topology(), config)) {
                driver.createInputTopic("in", new StringSerializer(), new StringSerializer()).pipeInput("key", "value");
                KeyValueStore<String, String> store = driver.getKeyValueStore("buffer");
                System.out.println("stored " + store.get("key") + ", mapped with the store: " + mapped());
                Thread.sleep(60_000);
            }
        }

        private static Topology stateless() {
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("in", Consumed.with(Serdes.String(), Serdes.String())).to("out");
            return builder.build();
        }

        private static Topology topology() {
            StreamsBuilder builder = new StreamsBuilder();
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("buffer"),
                    Serdes.String(), Serdes.String()));
            builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                    .process(() -> new Processor<String, String, Void, Void>() {
                        private KeyValueStore<String, String> store;

                        @Override
                        public void init(ProcessorContext<Void, Void> context) {
                            store = context.getStateStore("buffer");
                        }

                        @Override
                        public void process(Record<String, String> record) {
                            store.put(record.key(), record.value());
                        }
                    }, "buffer");
            return builder.build();
        }

        /** The RocksDB library files this JVM has mapped, from {@code /proc/self/maps}. */
        private static List<String> mapped() throws IOException {
            try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
                return maps.filter(line -> line.contains("rocksdbjni"))
                        .map(line -> line.substring(line.indexOf('/')))
                        .distinct().toList();
            }
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void workersKilledWithSigkillLeaveNoCopyOfRocksDbBehindAndShareOneCopy(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = dir.resolve("cache");
        Loaded first = runAndKill(dir, "first", tmp, cache);
        assertThat(first.byAStatelessWorker()).as("loaded by a worker without a store").isEmpty();
        assertThat(first.byTheWorker()).as("loaded by the worker, before any store").singleElement();
        assertThat(first.byTheStore()).as("the store's library").isEqualTo(first.byTheWorker());
        Path library = Path.of(first.byTheWorker().get(0));
        assertThat(library).as("the library the first worker loaded").startsWith(cache).isRegularFile();
        Object inode = Files.readAttributes(library, BasicFileAttributes.class).fileKey();

        assertThat(runAndKill(dir, "second", tmp, cache)).as("the second worker").isEqualTo(first);
        assertThat(Files.readAttributes(library, BasicFileAttributes.class).fileKey())
                .as("the same file, not written again").isEqualTo(inode);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).as("left in the temp directory").isEmpty();
        }
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.filter(Files::isRegularFile)).as("the cache").containsExactly(library);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void whereNoCacheCanBeMadeRocksDbsOwnLoaderStillLoadsIt(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Loaded loaded = runAndKill(dir, "fallback", tmp, file.resolve("cache"));
        assertThat(loaded.byTheWorker()).as("loaded by the worker").isEmpty();
        assertThat(loaded.byTheStore()).singleElement().satisfies(library -> {
            assertThat(Path.of(library).getParent()).as("the copy RocksDB extracted for itself").isEqualTo(tmp);
            assertThat(Path.of(library).getFileName().toString()).startsWith("librocksdbjni");
        });
    }

    /** The RocksDB library files a JVM had mapped at each step. */
    private record Loaded(List<String> byAStatelessWorker, List<String> byTheWorker, List<String> byTheStore) {
    }

    /** Runs {@link WorkerWithStore} to its store's first write, then kills it with SIGKILL (no shutdown hook runs). */
    private static Loaded runAndKill(Path dir, String name, Path tmp, Path cache) throws Exception {
        Path log = dir.resolve(name + ".log");
        Process jvm = ChildJvm.main(WorkerWithStore.class).heap("256m")
                .jvmOptions("-Djava.io.tmpdir=" + tmp, "-Dstreamaug.native.cache=" + cache)
                .args(Files.createDirectories(dir.resolve(name)).toString()).logTo(log).start();
        try {
            String stored = awaitLine(jvm, log, "stored ");
            assertThat(stored).as("the store works").startsWith("value, ");
            return new Loaded(list(awaitLine(jvm, log, "mapped with a stateless worker: ")),
                    list(awaitLine(jvm, log, "mapped with the worker: ")),
                    list(stored.substring(stored.indexOf("mapped with the store: ") + "mapped with the store: ".length())));
        } finally {
            ChildJvm.kill(jvm);
        }
    }

    /** The elements of a list as {@link List#toString()} wrote it. */
    private static List<String> list(String written) {
        String inner = written.substring(1, written.length() - 1);
        return inner.isEmpty() ? List.of() : List.of(inner.split(", "));
    }

    /** The rest of the first line of {@code log} that starts with {@code prefix}, waiting for it. */
    private static String awaitLine(Process jvm, Path log, String prefix) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Optional<String> line;
            try (Stream<String> lines = Files.lines(log)) {
                line = lines.filter(l -> l.startsWith(prefix)).findFirst();
            }
            if (line.isPresent()) {
                return line.get().substring(prefix.length());
            }
            assertThat(jvm.isAlive()).as("the JVM running; its output: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("'%s' in time; the output: %s", prefix, Files.readString(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
