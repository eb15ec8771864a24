package io.streamaug.augment.image.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.RegistryGuard;
import io.streamaug.augment.SampleRandom;
import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.OpenCv;
import io.streamaug.augment.image.Workspace;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** One contract for every registered op, on grayscale and RGB images, over several seeds. */
class OpContractTest {
    static {
        OpenCv.load();
    }

    static Stream<String> ops() {
        return ImageOps.all().keySet().stream();
    }

    static ImageOp<?> build(String name, int channels, String extra) {
        String example = ImageOps.all().get(name).example();
        if (name.equals("ColorJitter") && channels == 1) {
            example = "{op: ColorJitter, brightness: 0.4, contrast: 0.4}";
        }
        if (!extra.isEmpty()) {
            example = example.substring(0, example.length() - 1) + ", " + extra + "}";
        }
        var spec = new SpecLoader(List.of()).parse("{channels: " + channels + ", ops: [" + example + "]}", "test");
        return ((Step.Op) spec.ops().get(0)).op();
    }

    static Mat randomImage(int channels, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[12 * 10 * channels];
        random.nextBytes(pixels);
        Mat mat = new Mat(12, 10, CvType.CV_8UC(channels));
        mat.put(0, 0, pixels);
        return mat;
    }

    static byte[] bytes(Mat mat) {
        byte[] out = new byte[(int) mat.total() * mat.channels()];
        mat.get(0, 0, out);
        return out;
    }

    @ParameterizedTest
    @MethodSource("ops")
    void sameSeedGivesIdenticalBytesInputIsUntouchedAndShapeIsAsDocumented(String name) {
        for (int channels : new int[] {1, 3}) {
            ImageOp<?> op = build(name, channels, "");
            for (long seed = 1; seed <= 5; seed++) {
                Mat src = randomImage(channels, seed);
                byte[] before = bytes(src);
                Mat first = new Mat();
                Mat second = new Mat();
                try (Workspace ws1 = new Workspace(); Workspace ws2 = new Workspace()) {
                    op.applyRandom(src, first, SampleRandom.forSample(seed, "s", 0, 0), ws1);
                    op.applyRandom(src, second, SampleRandom.forSample(seed, "s", 0, 0), ws2);
                    assertThat(bytes(src)).as("%s must not change its input", name).isEqualTo(before);
                    assertThat(bytes(second)).as("%s with seed %d", name, seed).isEqualTo(bytes(first));
                    int[] size = op.outputSize(12, 10);
                    assertThat(new int[] {first.rows(), first.cols()}).as(name).isEqualTo(size);
                    assertThat(first.type()).as(name).isEqualTo(src.type());
                } finally {
                    src.release();
                    first.release();
                    second.release();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("ops")
    void pZeroIsTheIdentity(String name) {
        Mat src = randomImage(3, 9);
        MatOfByte png = new MatOfByte();
        Imgcodecs.imencode(".png", src, png);
        String example = ImageOps.all().get(name).example();
        String yaml = "{channels: 3, ops: [" + example.substring(0, example.length() - 1) + ", p: 0}]}";
        Normalization norm = new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1}, 0);
        try (ImagePipeline pipeline = new ImagePipeline(new SpecLoader(List.of()).parse(yaml.replace("p: 1, p: 0", "p: 0"), "t"), norm, 0);
                ImagePipeline identity = new ImagePipeline(new SpecLoader(List.of()).parse("{channels: 3}", "t"), norm, 0)) {
            for (int i = 0; i < 5; i++) {
                PreparedSample out = pipeline.prepare("id" + i, "d", Split.TRAIN, i, 0, png.toArray(), Label.of(0));
                PreparedSample same = identity.prepare("id" + i, "d", Split.TRAIN, i, 0, png.toArray(), Label.of(0));
                assertThat(out.trace()).isEmpty();
                assertThat(out.tensor()).isEqualTo(same.tensor());
            }
        } finally {
            src.release();
            png.release();
        }
    }

    @Test
    void everyOpClassIsRegistered() throws Exception {
        RegistryGuard.Found found = RegistryGuard.scan(ImageOps.class, ImageOp.class,
                ImageOps.all().values().stream().map(ImageOps.Entry::type).collect(Collectors.toSet()));
        assertThat(found.ops()).hasSizeGreaterThan(10);
        assertThat(found.unregistered()).as("op classes missing from ImageOps").isEmpty();
    }
}
