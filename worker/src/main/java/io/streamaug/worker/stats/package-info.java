/** Training-set statistics from the raw stream: {@code streamaug stats}. */
package io.streamaug.worker.stats;
