/**
 * Readers of datasets users already have: Fashion-MNIST IDX files (and the bundled subset), ImageFolder
 * trees and text corpora. No Kafka and no OpenCV (the build enforces the first).
 */
package io.streamaug.datasets;
