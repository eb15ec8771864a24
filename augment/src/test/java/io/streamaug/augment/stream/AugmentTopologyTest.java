package io.streamaug.augment.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.TestImages;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.core.RawHeaders;
import io.streamaug.core.Topics;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.PreparedSerde;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AugmentTopologyTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final byte[] IMAGE = TestImages.grayPng(4, 4);

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, PreparedSample> train;
    private TestOutputTopic<String, PreparedSample> val;
    private TestOutputTopic<String, PreparedSample> test;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void setUp() {
        Properties base = new Properties();
        base.put("bootstrap.servers", "unused:9092");
        Properties config = AugmentConfig.build(base, TOPICS, "t", 1, System.getProperty("java.io.tmpdir") + "/saug-ttd");
        var spec = new SpecLoader(List.of()).parse("{repeats: 2, ops: [{op: HorizontalFlip, p: 1}]}", "test");
        driver = new TopologyTestDriver(AugmentTopology.build(TOPICS,
                () -> new ImagePipeline(spec, Normalization.FASHION_MNIST, 0)), config);
        raw = driver.createInputTopic(TOPICS.rawImages(), new StringSerializer(), new ByteArraySerializer());
        var prepared = new PreparedSerde().deserializer();
        train = driver.createOutputTopic(TOPICS.augmentedTrain(), new StringDeserializer(), prepared);
        val = driver.createOutputTopic(TOPICS.preparedVal(), new StringDeserializer(), prepared);
        test = driver.createOutputTopic(TOPICS.preparedTest(), new StringDeserializer(), prepared);
        dlq = driver.createOutputTopic(TOPICS.dlq(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String id, byte[] value, String... headers) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            RawHeaders.put(h, headers[i], headers[i + 1]);
        }
        raw.pipeInput(new TestRecord<>(id, value, h));
    }

    @Test
    void recordsAreRoutedBySplitAndOnlyTrainIsAugmented() {
        send("a", IMAGE, "label", "3", "split", "train", "dataset", "fm", "epoch", "2");
        send("b", IMAGE, "label", "4", "split", "val", "dataset", "fm");
        send("c", IMAGE, "label", "5", "split", "test", "dataset", "fm");
        send("d", IMAGE, "label", "6"); // no split header: train

        List<PreparedSample> trained = train.readValuesToList();
        assertThat(trained).extracting(PreparedSample::id).containsExactly("a", "a", "d", "d");
        assertThat(trained).extracting(PreparedSample::repeat).containsExactly(0, 1, 0, 1);
        assertThat(trained).allSatisfy(s -> assertThat(s.trace()).extracting(t -> t.op()).containsExactly("HorizontalFlip"));
        assertThat(trained.get(0).epoch()).isEqualTo(2);
        assertThat(trained.get(0).label()).isEqualTo(Label.of(3));
        PreparedSample v = val.readValue();
        assertThat(v.id()).isEqualTo("b");
        assertThat(v.trace()).isEmpty();
        assertThat(test.readValue().trace()).isEmpty();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheNextGoodRecordStillComesOut() {
        send("bad-image", new byte[] {1, 2, 3}, "label", "1");
        send("bad-split", IMAGE, "label", "1", "split", "holdout");
        send("bad-label", IMAGE, "label", "-4");
        send("good", IMAGE, "label", "1");

        assertThat(train.readValuesToList()).extracting(PreparedSample::id).containsExactly("good", "good");
        var letters = dlq.readRecordsToList();
        assertThat(letters).hasSize(3);
        assertThat(letters).extracting(r -> new String(r.key())).containsExactly("bad-image", "bad-split", "bad-label");
        assertThat(new String(letters.get(1).headers().lastHeader("__streams.errors.message").value()))
                .contains("split 'holdout'");
        assertThat(letters.get(0).value()).containsExactly(1, 2, 3);
    }
}
