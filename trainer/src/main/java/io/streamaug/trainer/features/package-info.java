/**
 * Featurisers: how a prepared sample becomes the network's input row (image pixels with the affine
 * decode, or hashed word and bigram counts for text); part of the model, stored in checkpoints.
 */
package io.streamaug.trainer.features;
