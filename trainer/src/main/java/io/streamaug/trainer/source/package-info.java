/**
 * Where training and evaluation records come from: the {@link
 * io.streamaug.trainer.source.RecordSource} that polls the augmented train topic, checks records,
 * sends unusable ones to the dead-letter topic, tracks offsets and seeks on resume, with its {@link
 * io.streamaug.trainer.source.ShuffleBuffer}, the {@link io.streamaug.trainer.source.Buffered}
 * samples it holds and the {@link io.streamaug.trainer.source.Audit} of what was trained; and the
 * {@link io.streamaug.trainer.source.TopicReader} that reads a val or test topic whole. The only
 * package of the trainer that knows Kafka consumers.
 */
package io.streamaug.trainer.source;
