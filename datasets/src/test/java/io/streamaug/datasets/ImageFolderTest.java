package io.streamaug.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.Split;
import io.streamaug.core.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @Test
    void classesAreSortedFolderNamesAndOnlyImagesCount(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("dog"));
        Files.createDirectories(root.resolve("cat"));
        Files.write(root.resolve("dog/a.png"), new byte[] {1});
        Files.write(root.resolve("cat/b.JPG"), new byte[] {1});
        Files.write(root.resolve("cat/notes.txt"), new byte[] {1});
        ImageFolder folder = ImageFolder.scan(root);
        assertThat(folder.classes()).containsExactly("cat", "dog");
        assertThat(folder.entries()).extracting(ImageFolder.Entry::label).containsExactly(0, 1);
        assertThat(folder.entries()).allSatisfy(e -> assertThat(e.split()).isNull());
    }

    @Test
    void trainValTestSubfoldersGiveTheirSplits(@TempDir Path root) throws Exception {
        for (String split : new String[] {"train", "val", "test"}) {
            Files.createDirectories(root.resolve(split + "/a"));
            Files.write(root.resolve(split + "/a/x.png"), new byte[] {1});
        }
        ImageFolder folder = ImageFolder.scan(root);
        assertThat(folder.entries()).extracting(ImageFolder.Entry::split)
                .containsExactlyInAnyOrder(Split.TRAIN, Split.VAL, Split.TEST);
    }

    @Test
    void aFolderWithoutClassFoldersIsAClearError(@TempDir Path root) throws Exception {
        Files.write(root.resolve("x.png"), new byte[] {1});
        assertThatThrownBy(() -> ImageFolder.scan(root)).isInstanceOf(UsageException.class)
                .hasMessageContaining("no class sub-folders");
        assertThatThrownBy(() -> ImageFolder.scan(root.resolve("missing"))).isInstanceOf(UsageException.class)
                .hasMessageContaining("is not a directory");
    }
}
