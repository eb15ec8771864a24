/**
 * Online training from the prepared stream with Deeplearning4j: minibatches from a shuffle buffer,
 * evaluation on the val topic. Knows the wire format, not the augmentation ops.
 */
package io.streamaug.trainer;
