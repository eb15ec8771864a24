/** Readers of datasets users already have: Fashion-MNIST IDX files and ImageFolder trees. */
package io.streamaug.augment.data;
