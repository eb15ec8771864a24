/**
 * Text augmentation after EDA (Wei &amp; Zou, 2019): tokens and stop words from Lucene, synonyms from
 * WordNet 3.1 (extJWNL), four ops and their composite, and the text pipeline. Knows nothing of Kafka.
 */
package io.streamaug.augment.text;
