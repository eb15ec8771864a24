package io.streamaug.augment.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhotoSetTest {
    @TempDir
    Path dir;

    @Test
    void anExistingSetIsReadInClassThenNameOrderAndNotRemade() throws Exception {
        for (String size : PhotoSet.SIZES) {
            for (String name : List.of("b/0002.jpg", "a/0001.jpg", "b/0000.jpg", "a/notes.txt")) {
                Path file = dir.resolve(size).resolve(name);
                Files.createDirectories(file.getParent());
                Files.write(file, (size + "/" + name).getBytes());
            }
        }
        assertThat(PhotoSet.ensure(dir, line -> { throw new AssertionError("remade: " + line); })).isEqualTo(dir);
        assertThat(PhotoSet.jpegs(dir, "500")).extracting(p -> dir.relativize(p).toString())
                .containsExactly("500/a/0001.jpg", "500/b/0000.jpg", "500/b/0002.jpg");
        assertThat(PhotoSet.read(dir, "1024")).extracting(String::new)
                .containsExactly("1024/a/0001.jpg", "1024/b/0000.jpg", "1024/b/0002.jpg");
        assertThat(PhotoSet.jpegs(dir.resolve("absent"), "500")).isEmpty();
    }
}
