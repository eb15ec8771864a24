/**
 * Network construction from a config: the mlp, cnn and text models with layer, batch or no
 * normalisation, the learning-rate schedule DL4J stores with the model, a 2-d layer norm, the
 * convolution the cnn model uses, and DL4J's dense and output layers, Adam and L2 computed faster
 * ({@link io.streamaug.trainer.model.Dense}, {@link io.streamaug.trainer.model.SoftmaxOutput},
 * {@link io.streamaug.trainer.model.VectorisedAdam},
 * {@link io.streamaug.trainer.model.BlasL2Regularization}).
 */
package io.streamaug.trainer.model;
