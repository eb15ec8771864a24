package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.TestImages;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.PreparedSerde;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soft labels are over the classes of each record's own dataset, whatever count the pipeline was
 * built with: a 3-class and a 4-class dataset through one topology (built by the four-argument
 * overload, which must give a mixing spec its buffer) neither dead-letter nor share a length.
 */
class ClassCountPerRecordTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String SPEC = "{seed: 7, ops: [{op: HorizontalFlip, p: 0.5}],"
            + " mix: {mixup_alpha: 0.4, cutmix_alpha: 1.0, p: 1.0, switch_prob: 0.5, label_smoothing: 0.1},"
            + " normalize: {mean: [0.5], std: [0.25]}}";

    @Test
    void aThreeAndAFourClassDatasetGetSoftLabelsOfTheirOwnLength(@TempDir Path state) {
        Properties base = new Properties();
        base.put("bootstrap.servers", "unused:9092");
        Properties config = AugmentConfig.build(base, TOPICS, "classes", 1, state.toString());
        PipelineSpec spec = new SpecLoader(List.of()).parse(SPEC, "test");
        Map<String, DatasetInfo> datasets = Map.of(
                "three", new DatasetInfo("three", List.of("a", "b", "c"), 1, 8, 8),
                "four", new DatasetInfo("four", List.of("a", "b", "c", "d"), 1, 8, 8));
        List<PreparedSample> out = new ArrayList<>();
        // Built for 3 classes, as a worker started for the 3-class dataset would be.
        try (TopologyTestDriver driver = new TopologyTestDriver(AugmentTopology.build(TOPICS, datasets::get,
                () -> new ImagePipeline(spec, spec.normalization(), 3), null), config)) {
            var raw = driver.createInputTopic(TOPICS.rawImages(), new StringSerializer(), new ByteArraySerializer());
            for (int i = 0; i < 24; i++) {
                String dataset = i % 2 == 0 ? "three" : "four";
                int classes = datasets.get(dataset).classes().size();
                RecordHeaders h = new RecordHeaders();
                RawHeaders.put(h, "dataset", dataset);
                RawHeaders.put(h, "label", datasets.get(dataset).classes().get(i % classes));
                RawHeaders.put(h, "split", i % 6 == 5 ? "val" : "train");
                raw.pipeInput(new TestRecord<>(dataset + "-" + i, TestImages.grayPng(8, 8), h));
            }
            var prepared = new PreparedSerde().deserializer();
            for (String topic : List.of(TOPICS.augmentedTrain(), TOPICS.preparedVal())) {
                out.addAll(driver.createOutputTopic(topic, new StringDeserializer(), prepared).readValuesToList());
            }
            var dlq = driver.createOutputTopic(TOPICS.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<String> reasons = dlq.readRecordsToList().stream().map(r -> {
                var header = r.headers().lastHeader(DeadLetters.ERROR_MESSAGE);
                return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
            }).toList();
            assertThat(reasons).as("dead letters").isEmpty();
        }
        assertThat(out).hasSize(24);
        int mixed = 0;
        boolean classThreeSeen = false;
        for (PreparedSample s : out) {
            int classes = datasets.get(s.dataset()).classes().size();
            if (s.split() != Split.TRAIN) {
                assertThat(s.label()).isInstanceOf(Label.Hard.class);
                continue;
            }
            float[] weights = ((Label.Soft) s.label()).weights();
            assertThat(weights).as("soft label of %s", s.id()).hasSize(classes);
            double sum = 0;
            for (float w : weights) {
                sum += w;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
            classThreeSeen |= classes == 4 && weights[3] > 0.5;
            OpTrace last = s.trace().isEmpty() ? null : s.trace().get(s.trace().size() - 1);
            if (last != null && (last.op().equals("MixUp") || last.op().equals("CutMix"))) {
                mixed++;
                assertThat((String) last.params().get("partner")).startsWith(s.dataset() + "-");
            }
        }
        assertThat(classThreeSeen).as("a class-3 record of the 4-class dataset, once dead-lettered").isTrue();
        assertThat(mixed).isGreaterThan(5);
    }
}
