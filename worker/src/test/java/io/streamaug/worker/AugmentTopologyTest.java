package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.augment.image.ImagePipeline;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.TestImages;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.augment.text.Lexicon;
import io.streamaug.augment.text.TextPipeline;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.Topics;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.kafka.PreparedSerde;
import io.streamaug.core.wire.Text;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

    private final java.util.concurrent.atomic.AtomicInteger textPipelinesMade = new java.util.concurrent.atomic.AtomicInteger();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestInputTopic<String, byte[]> rawText;
    private TestOutputTopic<String, PreparedSample> train;
    private TestOutputTopic<String, PreparedSample> val;
    private TestOutputTopic<String, PreparedSample> test;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void setUp() {
        Properties base = new Properties();
        base.put("bootstrap.servers", "unused:9092");
        Properties config = AugmentConfig.build(base, TOPICS, "t", 1, System.getProperty("java.io.tmpdir") + "/saug-ttd");
        var spec = new SpecLoader(List.of()).parse("{repeats: 2, ops: [{op: HorizontalFlip, p: 1}], decode: {channels: strict}}", "test");
        var textSpec = new SpecLoader(List.of()).parseText("{type: text, repeats: 2, ops: [{op: RandomSwap, alpha: 0.5}]}", "test");
        Map<String, DatasetInfo> datasets = Map.of("fm", new DatasetInfo("fm", FashionMnist.CLASSES, 1, 28, 28),
                "sms", new DatasetInfo("sms", List.of("ham", "spam"), 0, 0, 0));
        driver = new TopologyTestDriver(AugmentTopology.build(TOPICS, datasets::get,
                () -> new ImagePipeline(spec, Normalization.FASHION_MNIST, 0), () -> {
                    textPipelinesMade.incrementAndGet();
                    return new TextPipeline(textSpec, Lexicon.get());
                }), config);
        raw = driver.createInputTopic(TOPICS.rawImages(), new StringSerializer(), new ByteArraySerializer());
        rawText = driver.createInputTopic(TOPICS.rawText(), new StringSerializer(), new ByteArraySerializer());
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

    private static RecordHeaders headers(String... pairs) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            RawHeaders.put(h, pairs[i], pairs[i + 1]);
        }
        return h;
    }

    private void send(String id, byte[] value, String... headers) {
        raw.pipeInput(new TestRecord<>(id, value, headers(headers)));
    }

    @Test
    void valAndTestRecordsAreNeverAugmentedAndTrainRecordsComeInRepeats() {
        send("a", IMAGE, "label", "3", "split", "train", "dataset", "fm", "epoch", "2");
        send("b", IMAGE, "label", "4", "split", "val", "dataset", "fm");
        send("c", IMAGE, "label", "Sandal", "split", "test", "dataset", "fm");
        send("d", IMAGE, "label", "6", "dataset", "fm"); // no split header: train

        List<TestRecord<String, PreparedSample>> records = train.readRecordsToList();
        // The raw headers are not copied onto prepared records: everything is in the value, and one
        // header names the spec that made the record.
        assertThat(records).allSatisfy(r -> {
            assertThat(r.headers().toArray()).hasSize(1);
            assertThat(new String(r.headers().lastHeader(PreparedSerde.SPEC_HEADER).value(), StandardCharsets.UTF_8))
                    .matches("test@sha256:[0-9a-f]{16}");
        });
        List<PreparedSample> trained = records.stream().map(TestRecord::value).toList();
        assertThat(trained).extracting(PreparedSample::id).containsExactly("a", "a", "d", "d");
        assertThat(trained).extracting(PreparedSample::repeat).containsExactly(0, 1, 0, 1);
        assertThat(trained).allSatisfy(s -> assertThat(s.trace()).extracting(t -> t.op()).containsExactly("HorizontalFlip"));
        assertThat(trained.get(0).epoch()).isEqualTo(2);
        assertThat(trained.get(0).label()).isEqualTo(Label.of(3));
        assertThat(trained.get(0).dataset()).isEqualTo("fm");
        PreparedSample v = val.readValue();
        assertThat(v.id()).isEqualTo("b");
        assertThat(v.trace()).isEmpty();
        PreparedSample t = test.readValue();
        assertThat(t.trace()).isEmpty();
        assertThat(t.label()).isEqualTo(Label.of(5)); // class names resolve through the dataset's definition
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheReasonAndTheNextGoodRecordStillComesOut() {
        byte[] bomb = IMAGE.clone();
        java.nio.ByteBuffer.wrap(bomb).putInt(16, 200_000).putInt(20, 200_000);
        send("bad-image", new byte[] {1, 2, 3}, "label", "1", "dataset", "fm");
        send("bad-split", IMAGE, "label", "1", "split", "holdout", "dataset", "fm");
        send("bad-label", IMAGE, "label", "12", "dataset", "fm");
        send("bad-name", IMAGE, "label", "Hat", "dataset", "fm");
        send("no-dataset", IMAGE, "label", "1");
        send("unknown-dataset", IMAGE, "label", "1", "dataset", "cifar");
        send("bomb", bomb, "label", "1", "dataset", "fm");
        send("colour", TestImages.solidRgbPng(4, 4, 1, 2, 3), "label", "1", "dataset", "fm");
        send("empty", new byte[0], "label", "1", "dataset", "fm");
        send("bad-epoch", IMAGE, "label", "1", "dataset", "fm", "epoch", "-3");
        send("text-dataset", IMAGE, "label", "1", "dataset", "sms");
        send("good", IMAGE, "label", "1", "dataset", "fm");

        assertThat(train.readValuesToList()).extracting(PreparedSample::id).containsExactly("good", "good");
        List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
        assertThat(letters).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly(
                "bad-image", "bad-split", "bad-label", "bad-name", "no-dataset", "unknown-dataset", "bomb", "colour",
                "empty", "bad-epoch", "text-dataset");
        List<String> reasons = letters.stream().map(r -> header(r, DeadLetters.ERROR_MESSAGE)).toList();
        assertThat(reasons.get(0)).contains("not a recognised image format");
        assertThat(reasons.get(1)).contains("split 'holdout'");
        assertThat(reasons.get(2)).contains("label '12' is not a class of dataset 'fm'");
        assertThat(reasons.get(3)).contains("label 'Hat'");
        assertThat(reasons.get(4)).contains("no 'dataset' header");
        assertThat(reasons.get(5)).contains("dataset 'cifar' is not defined");
        assertThat(reasons.get(6)).contains("decompression bomb");
        assertThat(reasons.get(7)).contains("3 channels but the spec expects 1");
        assertThat(reasons.get(8)).contains("empty");
        assertThat(reasons.get(9)).contains("'epoch'");
        assertThat(reasons.get(10)).contains("is text");
        for (TestRecord<byte[], byte[]> letter : letters) {
            assertThat(header(letter, DeadLetters.STAGE)).isEqualTo("prepare-image");
            assertThat(header(letter, DeadLetters.SOURCE_TOPIC)).isEqualTo(TOPICS.rawImages());
            assertThat(header(letter, "__streams.errors.exception")).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(letter.headers().lastHeader(DeadLetters.SOURCE_OFFSET)).isNotNull();
        }
        assertThat(letters.get(0).value()).containsExactly(1, 2, 3); // the source value, unchanged
    }

    @Test
    void theTextPipelineIsMadeAtTheFirstTextRecordSoAWorkerWithNoTextNeverLoadsWordNet() {
        send("a", IMAGE, "label", "3", "dataset", "fm");
        assertThat(train.readValuesToList()).extracting(PreparedSample::id).containsExactly("a", "a");
        assertThat(textPipelinesMade).as("the text task has started, but no text has come").hasValue(0);

        String message = "Call now to claim your free prize, limited offer today only";
        rawText.pipeInput(new TestRecord<>("m1", message.getBytes(StandardCharsets.UTF_8), headers("label", "spam", "dataset", "sms")));
        rawText.pipeInput(new TestRecord<>("m2", message.getBytes(StandardCharsets.UTF_8), headers("label", "ham", "dataset", "sms")));
        assertThat(train.readValuesToList()).extracting(PreparedSample::id).containsExactly("m1", "m1", "m2", "m2");
        assertThat(textPipelinesMade).as("made once, at the first text").hasValue(1);
    }

    @Test
    void textRecordsFlowThroughTheTextPipelineAndInvalidUtf8GoesToTheDeadLetterTopic() {
        String message = "Call now to claim your free prize, limited offer today only";
        rawText.pipeInput(new TestRecord<>("m1", message.getBytes(StandardCharsets.UTF_8), headers("label", "spam", "dataset", "sms")));
        rawText.pipeInput(new TestRecord<>("m2", message.getBytes(StandardCharsets.UTF_8),
                headers("label", "ham", "dataset", "sms", "split", "val")));
        rawText.pipeInput(new TestRecord<>("m3", new byte[] {'h', 'i', (byte) 0xC3, (byte) 0x28}, headers("label", "ham", "dataset", "sms")));
        rawText.pipeInput(new TestRecord<>("m4", message.getBytes(StandardCharsets.UTF_8), headers("label", "ham", "dataset", "fm")));

        List<TestRecord<String, PreparedSample>> records = train.readRecordsToList();
        assertThat(records).allSatisfy(r -> assertThat(r.headers().toArray()).extracting(h -> h.key())
                .containsExactly(PreparedSerde.SPEC_HEADER));
        List<PreparedSample> trained = records.stream().map(TestRecord::value).toList();
        assertThat(trained).extracting(PreparedSample::id).containsExactly("m1", "m1");
        assertThat(trained).allSatisfy(s -> {
            assertThat(s.label()).isEqualTo(Label.of(1));
            assertThat(s.trace()).extracting(t -> t.op()).containsExactly("RandomSwap");
            assertThat(((Text) s.payload()).text()).isNotEqualTo(message);
        });
        assertThat(((Text) val.readValue().payload()).text()).isEqualTo(message);
        List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
        assertThat(letters).extracting(r -> header(r, DeadLetters.STAGE)).containsExactly("prepare-text", "prepare-text");
        assertThat(header(letters.get(0), DeadLetters.ERROR_MESSAGE)).contains("not valid UTF-8");
        assertThat(header(letters.get(1), DeadLetters.ERROR_MESSAGE)).contains("dataset 'fm' is images");
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        var h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
