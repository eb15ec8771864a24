/**
 * Network construction from a config: the mlp, cnn and text models with layer, batch or no
 * normalisation, the learning-rate schedule DL4J stores with the model, a 2-d layer norm, and the
 * convolution the cnn model uses.
 */
package io.streamaug.trainer.model;
