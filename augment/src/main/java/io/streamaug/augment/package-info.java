/** Augmentation: per-sample seeding shared by image and text ops. Ops know nothing of Kafka:
 * this module may not depend on it (maven-enforcer). */
package io.streamaug.augment;
