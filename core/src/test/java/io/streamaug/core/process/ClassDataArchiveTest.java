package io.streamaug.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive on a real JVM: written by one that exits normally, mapped by the next, ignored silently when stale. */
class ClassDataArchiveTest {
    private static final String MAIN = """
            public class Hello {
                record Greeting(String text) {
                }

                public static void main(String[] args) {
                    System.out.println(new Greeting("hello").text());
                }
            }
            """;

    @Test
    void oneJvmWritesTheArchiveAtItsExitAndTheNextMapsItsClassesFromIt(@TempDir Path dir) throws Exception {
        Path jar = helloJar(dir);
        Path build = Files.writeString(dir.resolve("launcher.classpath"), jar.toString());
        Files.setLastModifiedTime(build, FileTime.from(Instant.now().minusSeconds(60)));
        ClassDataArchive archive = ClassDataArchive.of(dir.resolve("cds/worker.jsa"), build, jar.toString()).orElseThrow();
        assertThat(archive.present()).isFalse();

        Run writer = java(archive.writeOptions(), jar);
        assertThat(writer.output()).as("the program's output, and no CDS log line").isEqualTo("hello\n");
        assertThat(archive.keep()).isTrue();
        assertThat(archive.present()).isTrue();
        try (var left = Files.list(dir.resolve("cds"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("worker.jsa");
        }

        List<String> logging = new ArrayList<>(archive.useOptions());
        logging.add("-Xlog:class+load");
        assertThat(java(logging, jar).output()).as("the program's classes come from the archive")
                .contains("Hello source: shared objects file (top)")
                .contains("Hello$Greeting source: shared objects file (top)");

        // A build after the archive: it is not used (and the JVM would have refused it for the new jar anyway).
        Files.setLastModifiedTime(build, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(archive.present()).isFalse();
    }

    @Test
    void anArchiveThatNoLongerMatchesItsJarIsIgnoredWithoutAWord(@TempDir Path dir) throws Exception {
        Path jar = helloJar(dir);
        ClassDataArchive archive = ClassDataArchive.of(dir.resolve("worker.jsa"), dir.resolve("none"), jar.toString())
                .orElseThrow();
        java(archive.writeOptions(), jar);
        assertThat(archive.keep()).isTrue();
        helloJar(dir); // the same classes, a new jar: the JVM's own check fails
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(10)));
        List<String> logging = new ArrayList<>(archive.useOptions());
        logging.add("-Xlog:class+load");
        String output = java(logging, jar).output();
        assertThat(output).contains("Hello source: file:").doesNotContain("shared objects file (top)")
                .doesNotContain("[warning]").contains("\nhello\n");
    }

    @Test
    void aJvmThatWroteNothingLeavesNothingToKeep(@TempDir Path dir) throws Exception {
        Path jar = helloJar(dir);
        ClassDataArchive archive = ClassDataArchive.of(dir.resolve("worker.jsa"), dir.resolve("none"), jar.toString())
                .orElseThrow();
        archive.writeOptions(); // a JVM started with them, and killed before its exit
        assertThat(archive.keep()).isFalse();
        assertThat(archive.present()).isFalse();
    }

    @Test
    void aClassPathWithADirectoryOnItCannotBeArchived(@TempDir Path dir) throws Exception {
        Path jar = helloJar(dir);
        assertThat(ClassDataArchive.of(dir.resolve("worker.jsa"), dir.resolve("none"),
                jar + java.io.File.pathSeparator + dir)).isEmpty();
    }

    private record Run(int exit, String output) {
    }

    private static Run java(List<String> options, Path jar) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", jar.toString(), "Hello"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        assertThat(exit).as("exit status; output: %s", output).isZero();
        return new Run(exit, output);
    }

    /** Compiles {@link #MAIN} into {@code dir/hello.jar}. */
    private static Path helloJar(Path dir) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path source = Files.writeString(sources.resolve("Hello.java"), MAIN);
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), source.toString());
        assertThat(status).isZero();
        Path jar = dir.resolve("hello.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); var files = Files.list(classes)) {
            for (Path file : files.toList()) {
                out.putNextEntry(new JarEntry(file.getFileName().toString()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return jar;
    }
}
