/** Benchmarks of the augmentation ops and pipelines, beside raw OpenCV loops doing the same work. */
package io.streamaug.augment.bench;
