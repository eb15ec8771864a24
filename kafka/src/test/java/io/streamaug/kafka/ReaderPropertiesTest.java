package io.streamaug.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Settings meant for the workers' group reach the group-less readers (catalog, stats, evaluation) harmlessly. */
class ReaderPropertiesTest {
    @Test
    void groupSettingsForTheWorkersDoNotStopAReader() {
        Properties client = new Properties();
        client.put("bootstrap.servers", "127.0.0.1:1");
        client.put("group.protocol", "streams");
        client.put("group.instance.id", "worker-1");
        client.put("group.id", "someone-else");
        client.put("security.protocol", "PLAINTEXT");
        client.put("isolation.level", "read_uncommitted");
        assertThatThrownBy(() -> new KafkaConsumer<String, String>(withDeserializers(client)).close())
                .as("a plain consumer refuses the workers' group protocol").isInstanceOf(ConfigException.class);

        Properties reader = KafkaOptions.readerProperties(client);

        assertThat(reader).doesNotContainKeys("group.protocol", "group.instance.id", "group.id")
                .containsEntry("bootstrap.servers", "127.0.0.1:1").containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("isolation.level", "read_committed");
        new KafkaConsumer<String, byte[]>(reader).close();
    }

    private static Properties withDeserializers(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        return props;
    }
}
