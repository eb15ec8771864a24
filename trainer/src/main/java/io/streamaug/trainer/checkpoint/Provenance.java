package io.streamaug.trainer.checkpoint;

import java.util.List;

/**
 * The stream a checkpoint's model trained on: the topic, the version of the training-set
 * statistics the records were normalised with, the specs that made the records read for training
 * ({@code NAME@sha256:HEX}, from each prepared record's {@code streamaug.spec} header; sorted, each
 * once), and the augmentation ops named in the traces of the records trained. Checkpoints written
 * before provenance existed have none ({@code null}); those written before specs were recorded load
 * with none.
 */
public record Provenance(String topic, long statsVersion, List<String> ops, List<String> specs) {
    public Provenance {
        ops = ops == null ? List.of() : List.copyOf(ops);
        specs = specs == null ? List.of() : List.copyOf(specs);
    }
}
