/**
 * The prepared-record wire format (docs/wire-format.md): what augment workers write and trainers
 * read, with its codec and Kafka Serde.
 */
package io.streamaug.core.wire;
