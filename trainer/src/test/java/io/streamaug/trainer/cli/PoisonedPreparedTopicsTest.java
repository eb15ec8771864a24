package io.streamaug.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamaug.broker.testing.KafkaBrokerExtension;
import io.streamaug.broker.testing.PoisonRecords;
import io.streamaug.broker.testing.PoisonRecords.Kind;
import io.streamaug.broker.testing.TestKafka;
import io.streamaug.core.DatasetInfo;
import io.streamaug.core.Split;
import io.streamaug.core.cli.Commands;
import io.streamaug.kafka.DeadLetters;
import io.streamaug.kafka.TopicLayout;
import io.streamaug.kafka.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue of bad prepared records ({@link PoisonRecords#prepared}) on the augmented train,
 * val and test topics, interleaved with good ones, through {@code train} and {@code evaluate} on a
 * real broker: each bad record becomes exactly one dead letter naming its stage and what is wrong
 * (train and val: the trainer; test: {@code evaluate}), every good record is trained or scored,
 * another dataset's record is passed over, and neither command fails.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoisonedPreparedTopicsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyBadPreparedRecordIsOneDeadLetterAndTrainingAndEvaluationGoOn(TestKafka kafka, @TempDir Path runs)
            throws Exception {
        Topics topics = kafka.freshTopics("poisonprep");
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            topics.ensure(admin, TopicLayout.of(1));
        }
        Map<String, Kind> sent = new HashMap<>(); // "topic@offset" → kind
        Map<Split, Integer> goods = Map.of(Split.TRAIN, 48, Split.VAL, 24, Split.TEST, 24);
        int poison = 0;
        Properties props = producerProperties(kafka);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topics.datasets(), PoisonRecords.IMAGES, new DatasetInfo(PoisonRecords.IMAGES,
                    PoisonRecords.CLASSES, 1, PoisonRecords.SIZE, PoisonRecords.SIZE).toJson())).get();
            for (Split split : Split.values()) {
                String topic = split == Split.TRAIN ? topics.augmentedTrain()
                        : split == Split.VAL ? topics.preparedVal() : topics.preparedTest();
                List<Kind> good = new ArrayList<>();
                for (int i = 0; i < goods.get(split); i++) {
                    good.add(PoisonRecords.goodPrepared(i, split, 0));
                }
                good.add(PoisonRecords.otherDatasetPrepared(split, 0));
                List<Kind> bad = PoisonRecords.prepared(split, 0);
                poison += bad.size();
                for (Kind kind : interleave(good, bad)) {
                    long offset = producer.send(kind.record(topic)).get().offset();
                    sent.put(topic + "@" + offset, kind);
                }
            }
        }
        assertThat(PoisonRecords.prepared(Split.TRAIN, 0)).hasSizeGreaterThanOrEqualTo(15);

        String[] broker = {"--bootstrap", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()};
        Path trainJson = runs.resolve("train.json");
        int train = run(broker, new TrainCommand(), "--dataset", PoisonRecords.IMAGES, "--name", "poison", "--hidden", "16",
                "--batch-size", "8", "--runs", runs.toString(), "--idle-timeout", "3", "--quiet", "--json", trainJson.toString());
        assertThat(train).isZero();
        JsonNode trained = JSON.readTree(trainJson.toFile());
        assertThat(trained.get("samples").asLong()).isEqualTo((long) goods.get(Split.TRAIN));
        assertThat(trained.get("val_samples").asLong()).isEqualTo((long) goods.get(Split.VAL));
        assertThat(trained.get("dead_letters").asLong()).as("from the train topic").isEqualTo((long) PoisonRecords.prepared(Split.TRAIN, 0).size());
        assertThat(trained.get("last_loss").asDouble()).as("no NaN was trained on").isFinite();

        Path evalJson = runs.resolve("evaluate.json");
        int evaluate = run(broker, new EvaluateCommand(), "--checkpoint", runs.resolve("poison").toString(),
                "--json", evalJson.toString());
        assertThat(evaluate).isZero();
        JsonNode scored = JSON.readTree(evalJson.toFile());
        assertThat(scored.get("samples").asLong()).isEqualTo((long) goods.get(Split.TEST));
        assertThat(scored.get("skipped").asLong()).isEqualTo((long) PoisonRecords.prepared(Split.TEST, 0).size());

        List<ConsumerRecord<String, byte[]>> letters = kafka.readCommitted(poison, Duration.ofSeconds(30), topics.dlq());
        List<String> problems = new ArrayList<>();
        Set<String> lettered = new HashSet<>(); // "topic@offset": kinds of two topics may be equal
        for (ConsumerRecord<String, byte[]> letter : letters) {
            String source = header(letter, DeadLetters.SOURCE_TOPIC);
            String at = source + "@" + header(letter, DeadLetters.SOURCE_OFFSET);
            Kind kind = sent.get(at);
            String stage = header(letter, DeadLetters.STAGE);
            String reason = header(letter, DeadLetters.ERROR_MESSAGE);
            String expectedStage = source.equals(topics.preparedTest()) ? EvaluateCommand.STAGE : "trainer:poison";
            if (kind == null || !kind.poison()) {
                problems.add("a good record was dead-lettered: " + kind + " (" + stage + ": " + reason + ")");
            } else if (!lettered.add(at)) {
                problems.add(kind + " on " + source + ": dead-lettered twice");
            } else if (!stage.equals(expectedStage) || !reason.contains(kind.reason())) {
                problems.add(kind + " on " + source + ": stage '" + stage + "', reason '" + reason + "'; expected '"
                        + expectedStage + "' and a reason containing '" + kind.reason() + "'");
            }
        }
        sent.forEach((at, k) -> {
            if (k.poison() && !lettered.contains(at)) {
                problems.add(k + " at " + at + ": no dead letter");
            }
        });
        assertThat(problems).isEmpty();
        assertThat(letters).hasSize(poison);
    }

    /** Good and bad records alternating, a good one first: the first record fixes the model's input shape. */
    private static List<Kind> interleave(List<Kind> good, List<Kind> bad) {
        List<Kind> out = new ArrayList<>();
        for (int i = 0; i < Math.max(good.size(), bad.size()); i++) {
            if (i < good.size()) {
                out.add(good.get(i));
            }
            if (i < bad.size()) {
                out.add(bad.get(i));
            }
        }
        return out;
    }

    private static int run(String[] broker, Callable<Integer> command, String... args) {
        String[] all = new String[broker.length + args.length];
        System.arraycopy(broker, 0, all, 0, broker.length);
        System.arraycopy(args, 0, all, broker.length, args.length);
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return Commands.configure(new picocli.CommandLine(command)).execute(all);
        } finally {
            System.setOut(out);
        }
    }

    private static Properties producerProperties(TestKafka kafka) {
        Properties props = kafka.clientProperties();
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return props;
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        var header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
