package io.streamaug.augment.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.core.cli.Commands;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench decode} on a real photograph: the reduction the rule picks and its PSNR. */
class DecodeBenchCommandTest {
    @Test
    void itReportsTheReductionAndItsPsnrPerSize(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("decode.json");
        int exit = Commands.configure(new CommandLine(new DecodeBenchCommand())).execute("--images",
                Path.of("src", "test", "resources", "fixtures", "decode", "chelsea.jpg").toString(), "--sizes", "224,128",
                "--json", json.toString());
        assertThat(exit).isZero();
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).path("rows");
        assertThat(rows).hasSize(2);
        // 451×300: a 224 shorter side allows no reduction; 128 allows 1/2 (150 rows).
        assertThat(rows.get(0).path("factor").asInt()).isEqualTo(1);
        assertThat(rows.get(0).path("psnr_db").isNull()).isTrue();
        assertThat(rows.get(1).path("factor").asInt()).isEqualTo(2);
        assertThat(rows.get(1).path("psnr_db").asDouble()).isGreaterThan(30);
        assertThat(rows.get(1).path("area_vs_bilinear_psnr_db").asDouble()).isGreaterThan(20);
    }
}
