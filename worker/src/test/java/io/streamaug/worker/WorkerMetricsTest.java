package io.streamaug.worker;

import io.streamaug.kafka.TopicLayout;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.datasets.FashionMnist;
import io.streamaug.worker.produce.ImageProducer;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.spec.SpecLoader;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.kafka.RawHeaders;
import io.streamaug.kafka.Topics;
import io.streamaug.kafka.KafkaOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class WorkerMetricsTest {

    @Test
    void prometheusSeesProcessedRecordsAndDeadLettersAndTheProgressLinesLagIsTheInputNotYetProcessed(TestKafka kafka, @TempDir Path dir) throws Exception {
        Topics topics = kafka.freshTopics("metrics");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(2));
        }
        int produced;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaOptions.of(kafka.bootstrapServers(), topics).producerProperties())) {
            produced = new ImageProducer(producer, topics).produce(FashionMnist.load(null, true, 1000),
                    new ImageProducer.Plan("fm", 0.1, 1, 1)).total();
            ProducerRecord<String, byte[]> poison = new ProducerRecord<>(topics.rawImages(), "poison", new byte[] {1, 2});
            RawHeaders.put(poison.headers(), RawHeaders.DATASET, "fm");
            RawHeaders.put(poison.headers(), RawHeaders.LABEL, "1");
            producer.send(poison).get();
        }
        PipelineSpec spec = SpecLoader.resolve("fashion-mnist", List.of());
        String applicationId = "metrics-" + System.nanoTime();
        AtomicLong deadLetters = new AtomicLong();
        WorkerSetup setup = WorkerSetup.of(kafka.clientProperties(), topics, applicationId, dir, spec, Normalization.FASHION_MNIST);
        try (AugmentWorker worker = setup.build(deadLetters);
                WorkerMetrics metrics = new WorkerMetrics(worker, deadLetters, setup)) {
            assertThat(metrics.lag()).as("before the worker starts, all the input is lag").isEqualTo(produced + 1);
            worker.start();
            int port = metrics.serve(0);
            // The lag is records of the input not yet processed: it never exceeds the input, never grows, and reaches 0.
            List<Long> lags = new java.util.ArrayList<>(List.of(metrics.lag()));
            long deadline = System.currentTimeMillis() + 120_000;
            while (lags.get(lags.size() - 1) != 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                lags.add(metrics.lag());
            }
            assertThat(lags).last().isEqualTo(0L);
            assertThat(lags).allSatisfy(lag -> assertThat(lag).isBetween(0L, produced + 1L)).isSortedAccordingTo(
                    java.util.Comparator.reverseOrder());
            assertThat(deadLetters.get()).isEqualTo(1);
            assertThat(metrics.processed()).isEqualTo(produced + 1);
            assertThat(metrics.progressLine()).contains((produced + 1) + " records processed").contains("1 dead letters")
                    .contains("lag 0,");
            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains("streamaug_dead_letters_total 1.0").contains("kafka_stream_thread_process_total");
        }
    }
}
