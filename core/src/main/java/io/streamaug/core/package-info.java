/**
 * The sample contract shared by every stage, without Kafka: splits, dataset definitions and statistics.
 * Kafka-facing parts (topics, headers, dead letters) live in {@code io.streamaug.kafka}.
 */
package io.streamaug.core;
