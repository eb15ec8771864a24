/**
 * Trainer checkpoints on disk: the model with its updater state, the state needed to resume
 * exactly (offsets, shuffle buffer, early-stopping state, the audit of what was trained, the
 * stream's provenance), written atomically and kept two deep.
 */
package io.streamaug.trainer.checkpoint;
