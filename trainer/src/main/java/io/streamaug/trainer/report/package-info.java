/**
 * What a run reports as it goes: the metrics log (one JSON line per step and per evaluation) and
 * the loss and accuracy curves drawn from it.
 */
package io.streamaug.trainer.report;
