package io.streamaug.deploy;

import io.streamaug.kafka.DatasetCatalog;
import io.streamaug.core.DatasetInfo;
import io.streamaug.kafka.KafkaOptions;
import io.streamaug.kafka.TopicOptions;
import io.streamaug.core.cli.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamaug dataset}: defines a dataset (class names, channels) for data other clients
 * produce — e.g. with kcat — or lists the defined ones. {@code produce} defines its datasets itself.
 */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = {"Define a dataset for records produced by other clients (kcat, your own code), or list them:",
            "  streamaug dataset --name pets --classes cat,dog --channels 3"})
public final class DatasetCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--name", paramLabel = "NAME", description = "The dataset's name (the records' 'dataset' header).")
    String name;

    @Option(names = "--classes", split = ",", paramLabel = "NAME", description = "Class names in index order.")
    List<String> classes;

    @Option(names = "--channels", defaultValue = "1", description = "1 (grayscale), 3 (RGB) or 0 (text) (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--list", description = "List the defined datasets instead.")
    boolean list;

    @Mixin
    TopicOptions topicOptions;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = kafka.connect(Duration.ofSeconds(10))) {
            if (list) {
                Map<String, DatasetInfo> defined = new TreeMap<>(DatasetCatalog.read(kafka.clientProperties(), kafka.topics(),
                        Duration.ofSeconds(10)));
                defined.values().forEach(d -> System.out.printf("%-20s %s, %d classes: %s%n", d.name(),
                        d.channels() == 0 ? "text" : d.channels() + " channel(s)", d.classes().size(), d.classes()));
                if (defined.isEmpty()) {
                    System.out.println("no datasets defined on " + kafka.topics().datasets());
                }
                return 0;
            }
            if (name == null || classes == null) {
                throw new UsageException("give --name and --classes to define a dataset, or --list");
            }
            DatasetInfo info = new DatasetInfo(name, classes, channels, 0, 0);
            kafka.ensureTopics(topicOptions.layout());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties())) {
                producer.send(new ProducerRecord<>(kafka.topics().datasets(), name, info.toJson())).get();
            }
            System.out.println("defined dataset '" + name + "' (" + (channels == 0 ? "text" : channels + " channel(s)") + ", classes "
                    + classes + ") on " + kafka.topics().datasets());
        }
        return 0;
    }
}
