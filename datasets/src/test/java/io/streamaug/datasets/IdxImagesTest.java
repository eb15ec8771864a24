package io.streamaug.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxImagesTest {

    static byte[] images(int count, int h, int w) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * h * w);
        b.putInt(0x803).putInt(count).putInt(h).putInt(w);
        for (int i = 0; i < count * h * w; i++) {
            b.put((byte) (i % 251));
        }
        return b.array();
    }

    static byte[] labels(int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + values.length);
        b.putInt(0x801).putInt(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        byte[] img = images(3, 2, 2);
        byte[] lab = labels(4, 0, 9);
        IdxImages plain = IdxImages.read(new ByteArrayInputStream(img), new ByteArrayInputStream(lab), 0, "t");
        IdxImages gz = IdxImages.read(new ByteArrayInputStream(gzip(img)), new ByteArrayInputStream(gzip(lab)), 0, "t");
        assertThat(gz.pixels()).isEqualTo(plain.pixels());
        assertThat(plain.count()).isEqualTo(3);
        assertThat(plain.label(2)).isEqualTo(9);
        byte[] second = new byte[4];
        plain.copyImage(1, second);
        assertThat(second).containsExactly(4, 5, 6, 7);
    }

    @Test
    void limitReadsOnlyThatMany() throws IOException {
        IdxImages two = IdxImages.read(new ByteArrayInputStream(images(3, 2, 2)),
                new ByteArrayInputStream(labels(1, 2, 3)), 2, "t");
        assertThat(two.count()).isEqualTo(2);
        assertThat(two.labels()).containsExactly(1, 2);
    }

    @Test
    void rejectsWrongMagicCountMismatchAndTruncation() {
        assertThatThrownBy(() -> IdxImages.read(new ByteArrayInputStream(labels(1)), new ByteArrayInputStream(labels(1)), 0, "f.idx"))
                .isInstanceOf(IOException.class).hasMessageContaining("f.idx").hasMessageContaining("not IDX3");
        assertThatThrownBy(() -> IdxImages.read(new ByteArrayInputStream(images(2, 2, 2)), new ByteArrayInputStream(labels(1)), 0, "f"))
                .isInstanceOf(IOException.class).hasMessageContaining("2 images but 1 labels");
        byte[] cut = java.util.Arrays.copyOf(images(2, 2, 2), 18);
        assertThatThrownBy(() -> IdxImages.read(new ByteArrayInputStream(cut), new ByteArrayInputStream(labels(1, 2)), 0, "f"))
                .isInstanceOf(IOException.class).hasMessageContaining("ends before");
    }

    @Test
    void theBundledSubsetIsRealFashionMnist() {
        FashionMnist.Source source = FashionMnist.load(null, true, 0);
        assertThat(source.train().count()).isEqualTo(6000);
        assertThat(source.test().count()).isEqualTo(1000);
        assertThat(source.train().height()).isEqualTo(28);
        int[] perClass = new int[10];
        double sum = 0;
        for (int i = 0; i < source.train().count(); i++) {
            perClass[source.train().label(i)]++;
        }
        for (byte p : source.train().pixels()) {
            sum += (p & 0xff) / 255.0;
        }
        // Every class is present in roughly equal share, and the pixel mean is Fashion-MNIST's (0.286).
        assertThat(java.util.Arrays.stream(perClass).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(500, 700));
        assertThat(sum / source.train().pixels().length).isBetween(0.27, 0.30);
    }
}
