/** Augmentation without Kafka: previews to look at, and a spec applied to files on disk. */
package io.streamaug.augment.offline;
