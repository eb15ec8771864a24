package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.augment.image.TestImages;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record is a record: a prepared record too large for its topic, and a poison value too large for
 * the dead-letter topic, each become a dead letter, and the worker goes on with the next record.
 */
@ExtendWith(KafkaBrokerExtension.class)
class OversizedRecordsTest {

    @Test
    void aTooLargeRecordIsDeadLetteredAndTheWorkerGoesOn(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics topics = kafka.freshTopics("oversized");
        KafkaOptions options = KafkaOptions.of(kafka.bootstrapServers(), topics);
        options.ensureTopics(TopicLayout.of(1));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> limits = new java.util.HashMap<>();
            for (String topic : List.of(topics.augmentedTrain(), topics.preparedVal(), topics.preparedTest())) {
                limits.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "200000"), AlterConfigOp.OpType.SET)));
            }
            limits.put(new ConfigResource(ConfigResource.Type.TOPIC, topics.dlq()), List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "300000"), AlterConfigOp.OpType.SET)));
            admin.incrementalAlterConfigs(limits).all().get();
        }
        byte[] garbage = new byte[400 * 1024];
        new Random(3).nextBytes(garbage);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(options.producerProperties())) {
            producer.send(new ProducerRecord<>(topics.datasets(), "big",
                    new DatasetInfo("big", List.of("a", "b"), 1, 0, 0).toJson())).get();
            send(producer, topics, "ok-1", "val", TestImages.grayPng(28, 28));
            // An ordinary large photo in val: the fashion-mnist spec does not resize val, so its prepared
            // record (500×500 bytes) is over the topic's 200,000 bytes.
            send(producer, topics, "big-val", "val", TestImages.grayPng(500, 500));
            // Poison larger than the dead-letter topic takes: the dead letter carries a reference.
            send(producer, topics, "garbage", "train", garbage);
            send(producer, topics, "ok-2", "val", TestImages.grayPng(28, 28));
            producer.flush();
        }
        PipelineSpec spec = SpecLoader.resolve("fashion-mnist", List.of());
        AtomicLong deadLetters = new AtomicLong();
        try (AugmentWorker worker = WorkerSetup.of(kafka.clientProperties(), topics, "oversized-" + System.nanoTime(),
                dir, spec, Normalization.FASHION_MNIST).build(deadLetters).start()) {
            List<ConsumerRecord<String, byte[]>> prepared = kafka.readCommitted(2, Duration.ofSeconds(60), topics.preparedVal());
            List<ConsumerRecord<String, byte[]>> letters = kafka.readCommitted(2, Duration.ofSeconds(30), topics.dlq());

            assertThat(prepared).extracting(ConsumerRecord::key).containsExactly("ok-1", "ok-2");
            assertThat(letters).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("big-val", "garbage");
            ConsumerRecord<String, byte[]> big = letters.stream().filter(l -> l.key().equals("big-val")).findFirst().orElseThrow();
            assertThat(header(big, DeadLetters.ERROR_MESSAGE)).contains("over the").contains(topics.preparedVal())
                    .contains("max.message.bytes");
            assertThat(big.value()).as("the source value travels with the dead letter").hasSizeGreaterThan(0);
            ConsumerRecord<String, byte[]> poison = letters.stream().filter(l -> l.key().equals("garbage")).findFirst().orElseThrow();
            assertThat(poison.value()).as("too large for the dead-letter topic: a reference instead").isNull();
            assertThat(header(poison, DeadLetterHandler.VALUE_DROPPED)).isEqualTo(Integer.toString(garbage.length));
            assertThat(header(poison, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.rawImages());
            assertThat(worker.failure()).isNull();
            assertThat(worker.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(deadLetters.get()).isEqualTo(2);
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topics topics, String key, String split, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.rawImages(), key, value);
        RawHeaders.put(record.headers(), RawHeaders.DATASET, "big");
        RawHeaders.put(record.headers(), RawHeaders.LABEL, "1");
        RawHeaders.put(record.headers(), RawHeaders.SPLIT, split);
        RawHeaders.put(record.headers(), RawHeaders.CONTENT_TYPE, "image/png");
        producer.send(record);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        var header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
