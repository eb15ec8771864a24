package io.streamaug.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.core.Split;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented 30-line Python reader decodes what the Java codec writes. */
class PythonReaderTest {
    private static final Path READER = Path.of("..", "docs", "examples", "read_prepared.py");

    @Test
    void pythonReaderDecodesJavaWrittenRecords(@TempDir Path dir) throws Exception {
        String python = pythonWithNumpy();
        assumeThat(python).as("python3 with numpy (Debian: python3-numpy)").isNotNull();
        assertThat(READER).exists();
        assertThat(Files.readAllLines(READER)).hasSizeLessThanOrEqualTo(30);

        List<PreparedSample> samples = new ArrayList<>();
        for (Dtype dtype : Dtype.values()) {
            samples.add(PreparedCodecTest.image(dtype, Label.of(4)));
            samples.add(PreparedCodecTest.image(dtype, Label.soft(0.1f, 0.2f, 0.7f)));
        }
        samples.add(new PreparedSample("t-1", "spam", Split.TEST, 1, 0, 5, new Text("free money ✓"), Label.none(), List.of()));
        List<String> command = new ArrayList<>(List.of(python, READER.toString()));
        for (int i = 0; i < samples.size(); i++) {
            Path file = dir.resolve(i + ".bin");
            Files.write(file, PreparedCodec.encode(samples.get(i)));
            command.add(file.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        ObjectMapper json = new ObjectMapper();
        List<String> lines = output.lines().toList();
        assertThat(lines).hasSameSizeAs(samples);
        for (int i = 0; i < samples.size(); i++) {
            PreparedSample expected = samples.get(i);
            JsonNode got = json.readTree(lines.get(i));
            assertThat(got.get("id").asText()).isEqualTo(expected.id());
            assertThat(got.get("dataset").asText()).isEqualTo(expected.dataset());
            assertThat(got.get("split").asText()).isEqualTo(expected.split().wireName());
            assertThat(got.get("epoch").asInt()).isEqualTo(expected.epoch());
            assertThat(got.get("repeat").asInt()).isEqualTo(expected.repeat());
            assertThat(got.get("stats_version").asLong()).isEqualTo(expected.statsVersion());
            assertThat(got.get("trace")).hasSize(expected.trace().size());
            if (expected.label() instanceof Label.Hard hard) {
                assertThat(got.get("label").asInt()).isEqualTo(hard.index());
            } else if (expected.label() instanceof Label.Soft soft) {
                float[] weights = soft.weights();
                for (int k = 0; k < weights.length; k++) {
                    assertThat(got.get("label").get(k).floatValue()).isEqualTo(weights[k]);
                }
            } else {
                assertThat(got.get("label").isNull()).isTrue();
            }
            if (expected.payload() instanceof Text text) {
                assertThat(got.get("x").asText()).isEqualTo(text.text());
                continue;
            }
            Tensor tensor = expected.tensor();
            JsonNode x = got.get("x");
            assertThat(x.get("shape").toString())
                    .isEqualTo("[" + tensor.channels() + "," + tensor.height() + "," + tensor.width() + "]");
            float[] values = tensor.toNormalisedFloats();
            for (int k = 0; k < values.length; k++) {
                assertThat(x.get("values").get(k).floatValue())
                        .isCloseTo(values[k], org.assertj.core.data.Offset.offset(1e-5f + Math.abs(values[k]) * 1e-5f));
            }
        }
    }

    /** Debian's python3 first (where python3-numpy installs), then whatever python3 is on PATH. */
    static String pythonWithNumpy() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }
}
