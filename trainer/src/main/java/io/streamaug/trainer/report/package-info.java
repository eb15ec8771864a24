/**
 * What a run reports: as it goes, the metrics log (one JSON line per step and per evaluation) and
 * the loss and accuracy curves drawn from it; at the end, {@code run.json} (the command, the model
 * and recipe, why it trained as many records as it did, the first and last loss).
 */
package io.streamaug.trainer.report;
