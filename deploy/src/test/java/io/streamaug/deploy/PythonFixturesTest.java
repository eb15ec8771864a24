package io.streamaug.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.core.wire.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Python package's decoder ({@code python/streamaug/wire.py}) is tested against records this codec
 * writes: {@code python/tests/fixtures/} holds one record per dtype × label kind (and text), and
 * {@code expected.json} what {@link PreparedCodec#decode} and {@link Tensor#toNormalisedFloats} make of
 * them. This test fails when the committed fixtures no longer match the codec; run it with
 * {@code -Dstreamaug.writeFixtures=true} to rewrite them.
 */
class PythonFixturesTest {
    private static final Path DIR = Path.of("..", "python", "tests", "fixtures");

    @Test
    void committedFixturesAreWhatTheJavaCodecWrites() throws Exception {
        Map<String, PreparedSample> samples = samples();
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<Map<String, Object>> expected = new ArrayList<>();
        for (var entry : samples.entrySet()) {
            byte[] bytes = PreparedCodec.encode(entry.getValue());
            files.put(entry.getKey() + ".bin", bytes);
            expected.add(describe(entry.getKey() + ".bin", PreparedCodec.decode(bytes)));
        }
        byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(expected);
        files.put("expected.json", json);
        if (Boolean.getBoolean("streamaug.writeFixtures")) {
            Files.createDirectories(DIR);
            for (var file : files.entrySet()) {
                Files.write(DIR.resolve(file.getKey()), file.getValue());
            }
        }
        for (var file : files.entrySet()) {
            assertThat(DIR.resolve(file.getKey())).as("rewrite with -Dstreamaug.writeFixtures=true").exists();
            assertThat(Files.readAllBytes(DIR.resolve(file.getKey()))).as(file.getKey()).isEqualTo(file.getValue());
        }
    }

    private static Map<String, PreparedSample> samples() {
        Map<String, PreparedSample> out = new LinkedHashMap<>();
        Map<String, Label> labels = new LinkedHashMap<>();
        labels.put("none", Label.none());
        labels.put("class", Label.of(7));
        labels.put("soft", Label.soft(0.1f, 0.2f, 0.3f, 0.4f));
        List<OpTrace> trace = List.of(new OpTrace("HorizontalFlip", Map.of()),
                new OpTrace("Rotate", Map.of("degrees", 7.5)));
        for (Dtype dtype : Dtype.values()) {
            for (var label : labels.entrySet()) {
                String name = dtype.name().toLowerCase() + "-" + label.getKey();
                Split split = Split.values()[out.size() % 3];
                out.put(name, new PreparedSample("s-" + name + "-é", "fashion-mnist", split, out.size(), out.size() % 4,
                        1000L + out.size(), tensor(dtype, out.size()), label.getValue(),
                        out.size() % 2 == 0 ? trace : List.of()));
            }
        }
        out.put("text-class", new PreparedSample("t-1", "spam", Split.TEST, 1, 0, 5, new Text("free money ✓"),
                Label.of(1), List.of()));
        return out;
    }

    private static Tensor tensor(Dtype dtype, int seed) {
        Random random = new Random(seed);
        int c = 3;
        int h = 5;
        int w = 4;
        if (dtype == Dtype.UINT8) {
            byte[] pixels = new byte[c * h * w];
            random.nextBytes(pixels);
            return Tensor.uint8(c, h, w, pixels, new float[] {0.011f, 0.012f, 0.013f}, new float[] {-0.8f, -0.9f, -1.0f});
        }
        float[] values = new float[c * h * w];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 2;
        }
        return Tensor.ofFloats(dtype, c, h, w, values);
    }

    private static Map<String, Object> describe(String file, PreparedSample sample) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file);
        out.put("id", sample.id());
        out.put("dataset", sample.dataset());
        out.put("split", sample.split().wireName());
        out.put("epoch", sample.epoch());
        out.put("repeat", sample.repeat());
        out.put("stats_version", sample.statsVersion());
        if (sample.label() instanceof Label.Hard hard) {
            out.put("label", hard.index());
        } else if (sample.label() instanceof Label.Soft soft) {
            out.put("label", soft.weights());
        } else {
            out.put("label", null);
        }
        List<Map<String, Object>> trace = new ArrayList<>();
        for (OpTrace op : sample.trace()) {
            Map<String, Object> entry = new LinkedHashMap<>(); // Map.of's order changes from run to run
            entry.put("op", op.op());
            entry.put("params", new java.util.TreeMap<>(op.params()));
            trace.add(entry);
        }
        out.put("trace", trace);
        if (sample.payload() instanceof Text text) {
            out.put("text", text.text());
        } else {
            Tensor tensor = sample.tensor();
            out.put("dtype", tensor.dtype().name().toLowerCase());
            out.put("shape", List.of(tensor.channels(), tensor.height(), tensor.width()));
            out.put("values", tensor.toNormalisedFloats());
        }
        return out;
    }
}
