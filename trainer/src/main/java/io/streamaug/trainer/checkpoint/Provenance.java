package io.streamaug.trainer.checkpoint;

import java.util.List;

/**
 * The stream a checkpoint's model trained on, as far as the prepared records tell: the topic, the
 * version of the training-set statistics the records were normalised with, and the augmentation
 * ops named in the traces of the records trained (sorted, each once). A prepared record carries its
 * stats version and its op trace but not the augmentation spec's name or hash (see
 * {@code PreparedCodec}), so the ops seen are the spec's identity here: two runs whose records came
 * from different specs differ in them unless the specs use the same ops. Checkpoints written before
 * this existed have none ({@code null}).
 */
public record Provenance(String topic, long statsVersion, List<String> ops) {
    public Provenance {
        ops = ops == null ? List.of() : List.copyOf(ops);
    }
}
