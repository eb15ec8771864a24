package io.streamaug.augment.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The one decoder: guard before decoding, 8-bit, 1 channel gray or 3 channels RGB. */
class ImageDecoderTest {
    @Test
    void aDecompressionBombIsRefusedFromItsHeader() {
        try (ImageDecoder decoder = new ImageDecoder(1, ImageLimits.DEFAULT)) {
            assertThatThrownBy(() -> decoder.pixels(TestImages.pngDeclaring(100_000, 100_000)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("100000×100000").hasMessageContaining("decompression bomb");
        }
    }

    @Test
    void emptyTruncatedAndColourInGrayscaleImagesAreRefused() {
        byte[] gray = TestImages.grayPng(6, 5);
        try (ImageDecoder grayDecoder = new ImageDecoder(1, ImageLimits.DEFAULT);
                ImageDecoder rgbDecoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            assertThatThrownBy(() -> grayDecoder.check(new byte[0])).hasMessageContaining("empty");
            assertThatThrownBy(() -> grayDecoder.check(Arrays.copyOf(gray, gray.length / 2)))
                    .hasMessageContaining("not an image OpenCV can decode");
            assertThatThrownBy(() -> grayDecoder.check(TestImages.solidRgbPng(2, 2, 1, 2, 3)))
                    .hasMessageContaining("expects 1 (grayscale)");
        }
    }

    @Test
    void pixelsAreHwcGrayOrRgb() {
        try (ImageDecoder grayDecoder = new ImageDecoder(1, ImageLimits.DEFAULT);
                ImageDecoder rgbDecoder = new ImageDecoder(3, ImageLimits.DEFAULT)) {
            byte[] gray = grayDecoder.pixels(TestImages.grayPng(6, 5));
            assertThat(gray).hasSize(30);
            for (int i = 0; i < gray.length; i++) {
                assertThat(gray[i] & 0xff).isEqualTo(i);
            }
            assertThat(rgbDecoder.pixels(TestImages.solidRgbPng(1, 2, 10, 20, 30))).containsExactly(10, 20, 30, 10, 20, 30);
            // A grayscale photo in an RGB dataset: its value in all three channels.
            byte[] expanded = rgbDecoder.pixels(TestImages.grayPng(6, 5));
            assertThat(expanded).hasSize(90);
            for (int i = 0; i < 30; i++) {
                assertThat(new int[] {expanded[3 * i] & 0xff, expanded[3 * i + 1] & 0xff, expanded[3 * i + 2] & 0xff})
                        .containsOnly(i);
            }
        }
    }
}
