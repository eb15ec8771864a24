/**
 * Scoring a network on a prepared topic (val or test): loss, accuracy and the confusion matrix,
 * optionally averaged over test-time views of each image.
 */
package io.streamaug.trainer.eval;
