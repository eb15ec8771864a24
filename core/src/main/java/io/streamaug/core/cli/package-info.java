/** What every command shares: Kafka connection options, user-facing errors and the exit-code rules. */
package io.streamaug.core.cli;
