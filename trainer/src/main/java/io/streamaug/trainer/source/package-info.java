/**
 * Where training records come from: the {@link io.streamaug.trainer.source.RecordSource} that
 * polls the augmented train topic, checks records, sends unusable ones to the dead-letter topic,
 * tracks offsets and seeks on resume (the only class of the training loop that knows Kafka
 * consumers), with its {@link io.streamaug.trainer.source.ShuffleBuffer} and the {@link
 * io.streamaug.trainer.source.Buffered} samples it holds.
 */
package io.streamaug.trainer.source;
