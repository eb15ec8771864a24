/**
 * Online training from the prepared stream with Deeplearning4j; knows the wire format, not the
 * augmentation ops. The subpackages split it by role: {@code core} (learner, early stopping, the
 * trainer loop), {@code source} (Kafka records and the shuffle buffer), {@code config},
 * {@code cli}, {@code eval}, {@code checkpoint}, {@code report}, {@code features}, {@code model}
 * and {@code bench}.
 */
package io.streamaug.trainer;
