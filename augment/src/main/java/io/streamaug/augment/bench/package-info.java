/**
 * Benchmarks of the augmentation ops and pipelines, beside raw OpenCV loops doing the same work,
 * and the quality cost of reduced JPEG decoding.
 */
package io.streamaug.augment.bench;
