package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.TestImages;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.Topics;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedCodec;
import io.streamaug.core.wire.PreparedSample;
import java.nio.file.Files;
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

/** MixUp/CutMix inside the stream: partners from the partition's buffer, same dataset only, replayable. */
class MixingInTheStreamTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String SPEC = "{seed: 3, ops: [{op: HorizontalFlip, p: 0.5}],"
            + " mix: {mixup_alpha: 0.4, cutmix_alpha: 1.0, p: 1.0, switch_prob: 0.5}, normalize: {mean: [0.3], std: [0.3]}}";

    /** Runs the input through a fresh driver and returns every train and val record's bytes, in order. */
    static List<byte[]> run(Path stateDir) {
        Properties base = new Properties();
        base.put("bootstrap.servers", "unused:9092");
        Properties config = AugmentConfig.build(base, TOPICS, "mix", 1, stateDir.toString());
        PipelineSpec spec = new SpecLoader(List.of()).parse(SPEC, "test");
        Map<String, DatasetInfo> datasets = Map.of("fm", new DatasetInfo("fm", FashionMnist.CLASSES, 1, 8, 8),
                "other", new DatasetInfo("other", FashionMnist.CLASSES, 1, 8, 8));
        List<byte[]> out = new ArrayList<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(AugmentTopology.build(TOPICS, datasets::get,
                () -> new ImagePipeline(spec, spec.normalization(), 10), null, true, 4), config)) {
            var raw = driver.createInputTopic(TOPICS.rawImages(), new StringSerializer(), new ByteArraySerializer());
            for (int i = 0; i < 30; i++) {
                String dataset = i % 3 == 0 ? "other" : "fm";
                RecordHeaders h = new RecordHeaders();
                RawHeaders.put(h, "dataset", dataset);
                RawHeaders.put(h, "label", Integer.toString(i % 10));
                RawHeaders.put(h, "split", i % 7 == 6 ? "val" : "train");
                raw.pipeInput(new TestRecord<>(dataset + "-" + i, TestImages.grayPng(8, 8), h));
            }
            for (String topic : List.of(TOPICS.augmentedTrain(), TOPICS.preparedVal())) {
                var output = driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
                output.readValuesToList().forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void trainSamplesMixWithEarlierSamplesOfTheirOwnDatasetAndValNeverMixes(@TempDir Path dir) throws Exception {
        List<PreparedSample> samples = run(Files.createDirectory(dir.resolve("a"))).stream().map(PreparedCodec::decode).toList();
        int mixed = 0;
        for (PreparedSample s : samples) {
            OpTrace last = s.trace().isEmpty() ? null : s.trace().get(s.trace().size() - 1);
            boolean isMixed = last != null && (last.op().equals("MixUp") || last.op().equals("CutMix"));
            if (s.split() != io.streamaug.core.Split.TRAIN) {
                assertThat(isMixed).isFalse();
                assertThat(s.label()).isInstanceOf(Label.Hard.class);
                continue;
            }
            if (s.id().equals("other-0") || s.id().equals("fm-1")) {
                assertThat(isMixed).as("the first sample of a dataset has no partner yet").isFalse();
            }
            if (isMixed) {
                mixed++;
                String partner = (String) last.params().get("partner");
                assertThat(partner).startsWith(s.dataset() + "-"); // two datasets never mix
                assertThat(Integer.parseInt(partner.substring(partner.indexOf('-') + 1)))
                        .isLessThan(Integer.parseInt(s.id().substring(s.id().indexOf('-') + 1)));
                float[] w = ((Label.Soft) s.label()).weights();
                double sum = 0;
                for (float x : w) {
                    sum += x;
                }
                assertThat(sum).isCloseTo(1.0, within(1e-5));
            }
        }
        assertThat(mixed).isGreaterThan(15);
    }

    @Test
    void theSameInputInTheSameOrderGivesTheSameBytes(@TempDir Path dir) throws Exception {
        List<byte[]> first = run(Files.createDirectory(dir.resolve("first")));
        List<byte[]> second = run(Files.createDirectory(dir.resolve("second")));
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).isEqualTo(first.get(i));
        }
    }
}
