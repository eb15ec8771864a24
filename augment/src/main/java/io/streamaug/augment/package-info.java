/** Augmentation: per-sample seeding shared by image and text ops. Ops know nothing of Kafka. */
package io.streamaug.augment;
