package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.core.process.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class OpenCvTest {
    /** A JVM that loads OpenCV, says so, and waits to be killed. */
    public static final class LoadAndWait {
        public static void main(String[] args) throws Exception {
            OpenCv.load();
            System.out.println("loaded " + org.opencv.core.Core.VERSION);
            Thread.sleep(60_000);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void jvmsKilledWithSigkillLeaveNoCopyOfTheLibraryBehindOnlyTheOneSharedCopy(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = dir.resolve("cache");
        for (int i = 0; i < 3; i++) {
            Process jvm = ChildJvm.main(LoadAndWait.class).heap("256m")
                    .jvmOptions("-Djava.io.tmpdir=" + tmp, "-Dstreamaug.native.cache=" + cache).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).startsWith("loaded 4.");
            } finally {
                ChildJvm.kill(jvm); // SIGKILL: no shutdown hook runs
            }
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).as("left in the temp directory").isEmpty();
        }
        List<Path> cached;
        try (Stream<Path> files = Files.walk(cache)) {
            cached = files.filter(Files::isRegularFile).toList();
        }
        assertThat(cached).singleElement().satisfies(file -> {
            assertThat(file.getFileName()).hasToString("lib" + org.opencv.core.Core.NATIVE_LIBRARY_NAME + ".so");
            assertThat(file.getParent().getFileName().toString()).as("named by its CRC-32 and size").matches("[0-9a-f]{8}-\\d+");
        });
    }
}
