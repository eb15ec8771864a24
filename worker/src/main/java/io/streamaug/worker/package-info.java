/**
 * The augment worker: a Kafka Streams application that routes raw records by split, augments the
 * training split and writes prepared records. Knows the pipeline's interface, not OpenCV.
 */
package io.streamaug.worker;
