package io.streamaug.worker.produce;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.datasets.TextCorpus;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.core.Split;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TextProducerTest {

    @Test
    void spamAssassinMessagesRoundTripAsRawTextRecords(TestKafka kafka) throws Exception {
        Topics topics = kafka.freshTopics("text");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(2));
        }
        TextCorpus.Loaded corpus = TextCorpus.spamAssassin(Path.of("..", "datasets", "src", "test", "resources", "fixtures", "spam-assassin"));
        // Twelve rows: the six messages, and six synthetic ones, two of them with a label outside --classes.
        List<TextCorpus.Row> rows = new ArrayList<>(corpus.rows());
        for (int i = 0; i < 6; i++) {
            rows.add(new TextCorpus.Row("x" + i, "cheap meds number " + i, i < 4 ? "spam" : "phishing", "x:" + i));
        }
        ProduceSummary summary;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
            summary = new TextProducer(producer, topics).produce(new TextCorpus.Loaded(rows, List.of()), List.of("ham", "spam"),
                    new TextProducer.Plan("sa", 0.1, 0.2, 3, 2));
        }
        assertThat(summary.skipped()).hasSize(2).allSatisfy(s -> assertThat(s).contains("label 'phishing' is not one of [ham, spam]"));
        // 10 usable rows: 2 test, 1 val, 7 train × 2 epochs.
        assertThat(summary.count(Split.TEST)).isEqualTo(2);
        assertThat(summary.count(Split.VAL)).isEqualTo(1);
        assertThat(summary.count(Split.TRAIN)).isEqualTo(14);

        List<ConsumerRecord<String, byte[]>> records = kafka.readCommitted(17, Duration.ofSeconds(30), topics.rawText());
        assertThat(records).hasSize(17);
        Map<String, String> textById = new HashMap<>();
        for (TextCorpus.Row row : rows) {
            textById.put(row.id(), row.text());
        }
        for (ConsumerRecord<String, byte[]> r : records) {
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(textById.get(r.key()));
            assertThat(RawHeaders.get(r.headers(), RawHeaders.CONTENT_TYPE)).isEqualTo("text/plain; charset=utf-8");
            assertThat(RawHeaders.get(r.headers(), RawHeaders.DATASET)).isEqualTo("sa");
            assertThat(RawHeaders.get(r.headers(), RawHeaders.LABEL)).isEqualTo(r.key().startsWith("spam") || r.key().startsWith("x") ? "1" : "0");
        }
        assertThat(DatasetCatalog.read(kafka.clientProperties(), topics, Duration.ofSeconds(10)).get("sa").channels()).isZero();
    }
}
