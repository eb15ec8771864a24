/**
 * The trainer benchmark ({@code bench trainer}): training steps per second of the default MLP in
 * this process, and where the time of a minibatch-1 step goes.
 */
package io.streamaug.trainer.bench;
