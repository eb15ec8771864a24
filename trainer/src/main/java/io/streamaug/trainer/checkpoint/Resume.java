package io.streamaug.trainer.checkpoint;

import io.streamaug.core.cli.UsageException;
import io.streamaug.trainer.config.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Whether a run may continue a checkpoint: same model and recipe, same classes. */
public final class Resume {
    /** Keys a resumed run may change: they steer the run, not the model or its recipe. */
    public static final Set<String> RUN_CONTROL_KEYS = Set.of("eval_every", "patience", "monitor", "checkpoint_every",
            "max_steps", "max_samples", "idle_timeout", "log_every");

    private Resume() {
    }

    /** The keys of the model or recipe that differ, as {@code "key before → now"}. */
    public static List<String> changedKeys(TrainConfig saved, TrainConfig now) {
        Map<String, Object> before = saved.toMap();
        Map<String, Object> after = now.toMap();
        List<String> changed = new ArrayList<>();
        for (String key : after.keySet()) {
            if (!RUN_CONTROL_KEYS.contains(key) && !String.valueOf(before.get(key)).equals(String.valueOf(after.get(key)))) {
                changed.add(key + " " + before.get(key) + " → " + after.get(key));
            }
        }
        return changed;
    }

    /** @throws UsageException naming what differs, when {@code config} and {@code classes} cannot continue the checkpoint */
    public static void requireCompatible(Path dir, Checkpoint.State state, TrainConfig config, List<String> classes) {
        List<String> changed = changedKeys(state.trainConfig(), config);
        if (!changed.isEmpty()) {
            throw new UsageException("checkpoint " + dir + " was trained with another model or recipe (" + String.join(", ", changed)
                    + "); resume with the same settings, or start a new run under another --name");
        }
        if (!state.classes().equals(classes)) {
            throw new UsageException("checkpoint " + dir + " learned classes " + state.classes() + "; the dataset now has "
                    + classes + "; train under another --name");
        }
    }
}
