package io.streamaug.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamaug.kafka.Topics;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The output compression the worker's producer ends up with, as Kafka Streams resolves the configuration. */
class AugmentConfigTest {
    private static String outputCompression(String key, String value) {
        Properties base = new Properties();
        base.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        if (key != null) {
            base.put(key, value);
        }
        Properties props = AugmentConfig.build(base, Topics.DEFAULT, "app", 1, "state");
        return (String) new StreamsConfig(props).getProducerConfigs("client").get(ProducerConfig.COMPRESSION_TYPE_CONFIG);
    }

    @Test
    void theOutputIsCompressedWithTheNamedDefault() {
        assertThat(outputCompression(null, null)).isEqualTo(AugmentConfig.DEFAULT_OUTPUT_COMPRESSION);
    }

    @Test
    void anOperatorsCompressionTypeWinsWithOrWithoutTheProducerPrefix() {
        assertThat(outputCompression("compression.type", "zstd")).isEqualTo("zstd");
        assertThat(outputCompression("producer.compression.type", "none")).isEqualTo("none");
    }
}
