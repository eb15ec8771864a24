/**
 * The training core: the {@link io.streamaug.trainer.core.Learner} (network, featuriser, batch
 * builder and updater; fit, evaluate, snapshot and restore), the pure {@link
 * io.streamaug.trainer.core.EarlyStopping} rule, the {@link
 * io.streamaug.trainer.core.BatchBuilder} that turns prepared samples into minibatches, the
 * overfit check, the {@link io.streamaug.trainer.core.OnlineTrainer} that orchestrates a run
 * from a record source to checkpoints, and {@link io.streamaug.trainer.core.Nd4jProcess}, what a
 * training process sets before ND4J loads.
 */
package io.streamaug.trainer.core;
