package io.streamaug.trainer.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import io.streamaug.core.wire.Text;
import io.streamaug.trainer.features.HashedTextFeatures;
import io.streamaug.trainer.features.ImageFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class BatchBuilderTest {

    private static PreparedSample sample(String id, byte[] pixels, Label label) {
        return new PreparedSample(id, "d", Split.TRAIN, 0, 0, 0,
                Tensor.uint8(1, 1, 2, pixels, new float[] {0.5f}, new float[] {-1f}), label, List.of());
    }

    @Test
    void decodesUint8AndWritesOneHotAndSoftLabelRows() {
        BatchBuilder builder = new BatchBuilder(new ImageFeatures(1, 1, 2), 3, 0);
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
    void trainingBatchesReuseTheBuildersArraysUntilTheSizeChangesAndCloseWithIt() {
        BatchBuilder builder = new BatchBuilder(new ImageFeatures(1, 1, 2), 3, 0);
        DataSet first = builder.buildReused(List.of(sample("a", new byte[] {0, 4}, Label.of(2)),
                sample("b", new byte[] {2, 0}, Label.of(1))));
        INDArray features = first.getFeatures();
        DataSet second = builder.buildReused(List.of(sample("c", new byte[] {4, 2}, Label.of(0)),
                sample("d", new byte[] {0, 0}, Label.soft(0.5f, 0f, 0.5f))));
        assertThat(second.getFeatures()).isSameAs(features);
        assertThat(second.getFeatures().toFloatMatrix()).isEqualTo(new float[][] {{1f, 0f}, {-1f, -1f}});
        assertThat(second.getLabels().toFloatMatrix()).isEqualTo(new float[][] {{1, 0, 0}, {0.5f, 0, 0.5f}});
        DataSet smaller = builder.buildReused(List.of(sample("e", new byte[] {2, 2}, Label.of(1))));
        assertThat(features.wasClosed()).isTrue();
        assertThat(smaller.getFeatures().toFloatMatrix()).isEqualTo(new float[][] {{0f, 0f}});
        assertThat(smaller.getLabels().toFloatMatrix()).isEqualTo(new float[][] {{0, 1, 0}});
        builder.close();
        assertThat(smaller.getFeatures().wasClosed()).isTrue();
        assertThat(smaller.getLabels().wasClosed()).isTrue();
    }

    @Test
    void labelSmoothingSpreadsEpsilonOverTheClassesOfHardLabelsOnly() {
        BatchBuilder builder = new BatchBuilder(new ImageFeatures(1, 1, 2), 4, 0.2);
        DataSet batch = builder.build(List.of(
                sample("a", new byte[] {0, 0}, Label.of(1)),
                sample("b", new byte[] {0, 0}, Label.soft(0.5f, 0.5f, 0f, 0f))));
        float[][] y = batch.getLabels().toFloatMatrix();
        assertThat(y[0]).containsExactly(new float[] {0.05f, 0.85f, 0.05f, 0.05f}, within(1e-6f));
        assertThat(y[1]).containsExactly(0.5f, 0.5f, 0f, 0f); // mixed labels are already soft: untouched
    }

    @Test
    void samplesThatDoNotFitTheModelAreRefusedWithTheReason() {
        BatchBuilder builder = new BatchBuilder(new ImageFeatures(1, 1, 2), 3, 0);
        assertThatThrownBy(() -> builder.check(sample("x", new byte[] {0, 0}, Label.of(3))))
                .hasMessageContaining("class 3").hasMessageContaining("3 classes");
        assertThatThrownBy(() -> builder.check(sample("y", new byte[] {0, 0}, Label.none())))
                .hasMessageContaining("no label");
        BatchBuilder wider = new BatchBuilder(new ImageFeatures(1, 2, 2), 3, 0);
        assertThatThrownBy(() -> wider.check(sample("z", new byte[] {0, 0}, Label.of(0))))
                .hasMessageContaining("is 1×1×2").hasMessageContaining("takes images 1×2×2");
        PreparedSample text = new PreparedSample("t", "d", Split.TRAIN, 0, 0, 0, new Text("hello"), Label.of(0), List.of());
        assertThatThrownBy(() -> builder.check(text)).hasMessageContaining("is text");
    }

    @Test
    void hashedTextRowsAreUnitLengthDeterministicAndSeeWordOrder() {
        HashedTextFeatures features = new HashedTextFeatures(1 << 10);
        float[] a = row(features, "Free money, click now!");
        float[] b = row(features, "free MONEY click now");
        float[] swapped = row(features, "now click money free");
        double norm = 0;
        for (float v : a) {
            norm += v * v;
        }
        assertThat(norm).isCloseTo(1.0, within(1e-5));
        assertThat(a).containsExactly(b); // case and punctuation do not matter
        assertThat(swapped).isNotEqualTo(a); // bigrams do: order is seen
        assertThat(row(features, "")).containsOnly(0f);
    }

    private static float[] row(HashedTextFeatures features, String text) {
        float[] dst = new float[features.size()];
        features.write(new PreparedSample("t", "d", Split.TRAIN, 0, 0, 0, new Text(text), Label.of(0), List.of()), dst, 0);
        return dst;
    }
}
