/**
 * The trainer's commands: {@code train}, {@code evaluate} and {@code sweep}, the dataset look-up
 * they share, and the graceful stop on Ctrl-C.
 */
package io.streamaug.trainer.cli;
