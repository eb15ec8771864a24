package io.streamaug.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryCacheTest {
    /** A resource inside a jar on the class path: the jar records its CRC. */
    private static final URL IN_A_JAR = picocli.CommandLine.class.getResource("CommandLine.class");

    @Test
    void aCopyLiesInADirectoryNamedByItsContentUnderTheNameAskedForAndIsMadeOnce(@TempDir Path cache) throws Exception {
        assertThat(IN_A_JAR.getProtocol()).isEqualTo("jar");
        Path copy = NativeLibraryCache.copyOf(cache, IN_A_JAR, "libexample.so");
        byte[] bytes = bytes(IN_A_JAR);
        assertThat(copy).hasBinaryContent(bytes).hasFileName("libexample.so");
        assertThat(copy.getParent()).isEqualTo(cache.resolve(contentName(bytes)));
        Object inode = Files.readAttributes(copy, BasicFileAttributes.class).fileKey();

        assertThat(NativeLibraryCache.copyOf(cache, IN_A_JAR, "libexample.so")).isEqualTo(copy);
        assertThat(Files.readAttributes(copy, BasicFileAttributes.class).fileKey()).as("not written again").isEqualTo(inode);
    }

    @Test
    void aResourceOutsideAJarIsNamedTheSameWayAndOtherContentGetsACopyOfItsOwn(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path one = Files.writeString(dir.resolve("one"), "version one");
        Path two = Files.writeString(dir.resolve("two"), "version two");
        Path first = NativeLibraryCache.copyOf(cache, one.toUri().toURL(), "libexample.so");
        Path second = NativeLibraryCache.copyOf(cache, two.toUri().toURL(), "libexample.so");
        assertThat(first.getParent()).isEqualTo(cache.resolve(contentName(Files.readAllBytes(one))));
        assertThat(second.getParent()).isEqualTo(cache.resolve(contentName(Files.readAllBytes(two))));
        assertThat(first).hasContent("version one");
        assertThat(second).hasContent("version two");
    }

    @Test
    void copiesMadeAtTheSameTimeAllEndAsTheWholeFileWithNothingHalfWrittenLeft(@TempDir Path cache) throws Exception {
        int copiers = 8;
        CountDownLatch ready = new CountDownLatch(copiers);
        List<Callable<Path>> copies = new ArrayList<>();
        for (int i = 0; i < copiers; i++) {
            copies.add(() -> {
                ready.countDown();
                ready.await();
                return NativeLibraryCache.copyOf(cache, IN_A_JAR, "libexample.so");
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(copiers);
        try {
            List<Path> made = new ArrayList<>();
            for (Future<Path> copy : pool.invokeAll(copies)) {
                made.add(copy.get());
            }
            assertThat(made).containsOnly(made.get(0));
            assertThat(made.get(0)).hasBinaryContent(bytes(IN_A_JAR));
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.filter(Files::isRegularFile)).singleElement().satisfies(file -> assertThat(file).hasFileName("libexample.so"));
        }
    }

    @Test
    void aCacheThatCannotBeMadeIsAnIoErrorForTheCallerToFallBackOn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> NativeLibraryCache.copyOf(file.resolve("cache"), IN_A_JAR, "libexample.so"))
                .isInstanceOf(IOException.class);
    }

    private static String contentName(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return String.format(Locale.ROOT, "%08x-%d", crc.getValue(), bytes.length);
    }

    private static byte[] bytes(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }
}
