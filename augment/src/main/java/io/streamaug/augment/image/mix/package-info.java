/** Ops that mix two training samples and their labels: MixUp and CutMix, with label smoothing. */
package io.streamaug.augment.image.mix;
