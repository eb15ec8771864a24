package io.streamaug.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class BatchBuilderTest {

    private static PreparedSample sample(String id, byte[] pixels, Label label) {
        return new PreparedSample(id, "d", Split.TRAIN, 0, 0, 0,
                Tensor.uint8(1, 1, 2, pixels, new float[] {0.5f}, new float[] {-1f}), label, List.of());
    }

    @Test
    void decodesUint8AndWritesOneHotAndSoftLabelRows() {
        BatchBuilder builder = new BatchBuilder(2, 3);
        DataSet batch = builder.build(List.of(
                sample("a", new byte[] {0, 4}, Label.of(2)),
                sample("b", new byte[] {2, (byte) 255}, Label.soft(0.25f, 0.75f, 0f))));
        assertThat(batch.getFeatures().toFloatMatrix()).isEqualTo(new float[][] {{-1f, 1f}, {0f, 126.5f}});
        assertThat(batch.getLabels().toFloatMatrix()).isEqualTo(new float[][] {{0, 0, 1}, {0.25f, 0.75f, 0}});
        batch.getFeatures().close();
        batch.getLabels().close();

        // Reused buffers must not leak the previous batch's labels.
        DataSet next = builder.build(List.of(sample("c", new byte[] {0, 0}, Label.of(0))));
        assertThat(next.getLabels().toFloatMatrix()).isEqualTo(new float[][] {{1, 0, 0}});
    }

    @Test
    void samplesThatDoNotFitTheModelAreRefusedWithTheReason() {
        BatchBuilder builder = new BatchBuilder(2, 3);
        assertThatThrownBy(() -> builder.check(sample("x", new byte[] {0, 0}, Label.of(3))))
                .hasMessageContaining("class 3").hasMessageContaining("3 classes");
        assertThatThrownBy(() -> builder.check(sample("y", new byte[] {0, 0}, Label.none())))
                .hasMessageContaining("no label");
        BatchBuilder wider = new BatchBuilder(4, 3);
        assertThatThrownBy(() -> wider.check(sample("z", new byte[] {0, 0}, Label.of(0))))
                .hasMessageContaining("has 2 values").hasMessageContaining("takes 4");
    }
}
