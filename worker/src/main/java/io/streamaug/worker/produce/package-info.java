/** Turning datasets users have into raw records on Kafka: {@code streamaug produce}. */
package io.streamaug.worker.produce;
