/** A real single-node KRaft Apache Kafka broker inside this JVM, for local use ({@code streamaug broker}) and tests. */
package io.streamaug.broker;
