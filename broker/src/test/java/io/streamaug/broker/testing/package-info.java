/**
 * The JUnit 5 extension that gives tests a real Kafka broker: one per test JVM, shared by the test
 * classes. Shipped in this module's test-jar for the other modules' tests.
 */
package io.streamaug.broker.testing;
