package io.streamaug.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.Split;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class PreparedCodecTest {

    static PreparedSample image(Dtype dtype, Label label) {
        Random random = new Random(dtype.ordinal() * 31L + 7);
        int c = 3;
        int h = 5;
        int w = 4;
        Tensor tensor;
        if (dtype == Dtype.UINT8) {
            byte[] pixels = new byte[c * h * w];
            random.nextBytes(pixels);
            tensor = Tensor.uint8(c, h, w, pixels, new float[] {0.011f, 0.012f, 0.013f}, new float[] {-0.8f, -0.9f, -1.0f});
        } else {
            float[] values = new float[c * h * w];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            tensor = Tensor.ofFloats(dtype, c, h, w, values);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("applied", true);
        params.put("angle", 12.5);
        return new PreparedSample("img-é-" + dtype, "fashion-mnist", Split.TRAIN, 3, 2, 17L, tensor, label,
                List.of(new OpTrace("HorizontalFlip", Map.of("applied", true)), new OpTrace("Rotate", params)));
    }

    @ParameterizedTest
    @EnumSource(Dtype.class)
    void everyDtypeRoundTripsWithHardAndSoftLabels(Dtype dtype) {
        for (Label label : List.of(Label.of(7), Label.soft(0.25f, 0.75f, 0f), Label.none())) {
            PreparedSample sample = image(dtype, label);
            PreparedSample decoded = PreparedCodec.decode(PreparedCodec.encode(sample));
            assertThat(decoded).isEqualTo(sample);
            assertThat(decoded.tensor().toNormalisedFloats()).containsExactly(sample.tensor().toNormalisedFloats());
        }
    }

    @Test
    void textRoundTrips() {
        PreparedSample sample = new PreparedSample("m-1", "spam", Split.VAL, 0, 0, 0, new Text("Héllo, wörld!"),
                Label.of(1), List.of());
        assertThat(PreparedCodec.decode(PreparedCodec.encode(sample))).isEqualTo(sample);
    }

    @Test
    void uint8RecordIsNoBiggerThanRawPixelsPlusASmallHeader() {
        int h = 224;
        int w = 224;
        Tensor tensor = Tensor.uint8(3, h, w, new byte[3 * h * w], new float[3], new float[3]);
        PreparedSample sample = new PreparedSample("n01440764_10026", "imagenet", Split.TRAIN, 0, 0, 1, tensor,
                Label.of(0), List.of(new OpTrace("HorizontalFlip", Map.of("applied", true))));
        assertThat(PreparedCodec.encode(sample).length).isLessThanOrEqualTo((int) (3 * h * w * 1.05));
    }

    @Test
    void uint8DecodesToTheAffineValues() {
        Tensor tensor = Tensor.uint8(1, 1, 3, new byte[] {0, (byte) 128, (byte) 255}, new float[] {0.5f}, new float[] {-1f});
        assertThat(tensor.toNormalisedFloats()).containsExactly(-1f, 63f, 126.5f);
    }

    @Test
    void float16KeepsThreeSignificantDigits() {
        float[] values = {0f, -0f, 1f, -2.5f, 0.333333f, 65504f, 6.1e-5f, 1e-7f};
        Tensor tensor = Tensor.ofFloats(Dtype.FLOAT16, 1, 1, values.length, values);
        float[] back = tensor.toNormalisedFloats();
        for (int i = 0; i < values.length; i++) {
            assertThat(back[i]).isCloseTo(values[i], org.assertj.core.data.Offset.offset(Math.abs(values[i]) * 1e-3f + 1e-7f));
        }
        assertThat(Half.toFloat(Half.fromFloat(Float.POSITIVE_INFINITY))).isInfinite();
        assertThat(Half.toFloat(Half.fromFloat(Float.NaN))).isNaN();
        assertThat(Half.toFloat(Half.fromFloat(1e6f))).isInfinite();
    }

    static Stream<Arguments> malformed() {
        byte[] good = PreparedCodec.encode(image(Dtype.UINT8, Label.of(3)));
        byte[] soft = PreparedCodec.encode(image(Dtype.FLOAT32, Label.soft(0.5f, 0.5f)));
        int idLength = readShort(good, 24);
        int afterId = 26 + idLength;
        int afterDataset = afterId + 2 + readShort(good, afterId);
        int tensorStart = afterDataset + 4; // after the hard label
        return Stream.of(
                Arguments.of("empty", (UnaryOperator<byte[]>) b -> new byte[0], "truncated"),
                Arguments.of("header cut", cut(10), "truncated"),
                Arguments.of("wrong magic", set(0, (byte) 'X'), "magic"),
                Arguments.of("unknown version", set(4, (byte) 9), "version 9"),
                Arguments.of("unknown payload kind", set(5, (byte) 7), "payload kind 7"),
                Arguments.of("unknown split", set(6, (byte) 5), "split code 5"),
                Arguments.of("unknown label kind", set(7, (byte) 4), "label kind 4"),
                Arguments.of("negative epoch", putInt(8, -1), "epoch"),
                Arguments.of("id longer than the buffer", putShort(24, 0xffff), "sample id claims 65535 bytes"),
                Arguments.of("id not UTF-8", set(26, (byte) 0xff), "not valid UTF-8"),
                Arguments.of("unknown dtype", set(tensorStart, (byte) 9), "dtype code 9"),
                Arguments.of("not three dimensions", set(tensorStart + 1, (byte) 4), "3 dimensions"),
                Arguments.of("zero-sized dimension", putInt(tensorStart + 2, 0), "shape must be positive"),
                Arguments.of("huge shape", putInt(tensorStart + 6, Integer.MAX_VALUE), "needs"),
                Arguments.of("payload length beyond the buffer",
                        putInt(tensorStart + 14 + 24, Integer.MAX_VALUE), "claims"),
                Arguments.of("truncated payload", cut(good.length - 30), "claims"),
                Arguments.of("trailing bytes", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length + 3), "unexpected bytes"),
                Arguments.of("trace not JSON", (UnaryOperator<byte[]>) b -> {
                    byte[] copy = b.clone();
                    copy[copy.length - 2] = '{';
                    return copy;
                }, "trace"),
                Arguments.of("soft label not summing to one", (UnaryOperator<byte[]>) b -> {
                    byte[] copy = soft.clone();
                    int softAfterId = 26 + readShort(soft, 24);
                    int labelAt = softAfterId + 2 + readShort(soft, softAfterId) + 2;
                    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putFloat(labelAt, 0.9f);
                    return copy;
                }, "sum to 1"),
                Arguments.of("null", (UnaryOperator<byte[]>) b -> null, "null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBytesAreRejectedWithAMessageNamingTheProblem(String name, UnaryOperator<byte[]> damage, String expected) {
        byte[] good = PreparedCodec.encode(image(Dtype.UINT8, Label.of(3)));
        assertThatThrownBy(() -> PreparedCodec.decode(damage.apply(good)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void randomGarbageNeverEscapesAsAnythingButMalformedRecord() {
        byte[] good = PreparedCodec.encode(image(Dtype.FLOAT16, Label.soft(0.5f, 0.5f)));
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] copy = Arrays.copyOf(good, random.nextInt(good.length + 8));
            for (int flips = random.nextInt(4); flips >= 0; flips--) {
                if (copy.length > 0) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                PreparedCodec.decode(copy);
            } catch (MalformedRecordException expected) {
                // the only exception allowed
            }
        }
    }

    private static int readShort(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(at) & 0xffff;
    }

    private static UnaryOperator<byte[]> cut(int length) {
        return b -> Arrays.copyOf(b, length);
    }

    private static UnaryOperator<byte[]> set(int at, byte value) {
        return b -> {
            byte[] copy = b.clone();
            copy[at] = value;
            return copy;
        };
    }

    private static UnaryOperator<byte[]> putInt(int at, int value) {
        return b -> {
            byte[] copy = b.clone();
            ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
            return copy;
        };
    }

    private static UnaryOperator<byte[]> putShort(int at, int value) {
        return b -> {
            byte[] copy = b.clone();
            ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
            return copy;
        };
    }

    @Test
    void aTracesBytesDoNotDependOnTheOrderItsParametersWereBuiltIn() {
        java.util.LinkedHashMap<String, Object> forward = new java.util.LinkedHashMap<>();
        java.util.LinkedHashMap<String, Object> backward = new java.util.LinkedHashMap<>();
        String[] keys = {"angle", "scale", "tx", "ty", "fill", "mode"};
        for (int i = 0; i < keys.length; i++) {
            forward.put(keys[i], i * 1.5);
            backward.put(keys[keys.length - 1 - i], (keys.length - 1 - i) * 1.5);
        }
        PreparedSample a = new PreparedSample("id", "ds", Split.TRAIN, 0, 0, 0, new Text("x"), Label.none(),
                List.of(new OpTrace("Affine", forward)));
        PreparedSample b = new PreparedSample("id", "ds", Split.TRAIN, 0, 0, 0, new Text("x"), Label.none(),
                List.of(new OpTrace("Affine", backward)));
        assertThat(PreparedCodec.encode(a)).isEqualTo(PreparedCodec.encode(b));
        assertThat(PreparedCodec.decode(PreparedCodec.encode(a)).trace().get(0).params().keySet())
                .containsExactly("angle", "fill", "mode", "scale", "tx", "ty");
    }
}
