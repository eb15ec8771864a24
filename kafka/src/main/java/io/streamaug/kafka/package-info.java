/**
 * What every Kafka-facing command shares: the project's topics and the one path that creates them,
 * the dataset catalog topic, raw-record headers, dead letters, the prepared-record Serde, consumer
 * lag, and the {@code --bootstrap}/{@code --kafka} options.
 */
package io.streamaug.kafka;
