package io.streamaug.augment.text;

import io.streamaug.augment.SampleRandom;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Raw text → (train) augmented text with its trace, seeded by (seed, sample id, epoch, repeat) as
 * images are. One instance per thread (it owns a tokenizer); the lexicon is shared.
 */
public final class TextPipeline {
    private final TextSpec spec;
    private final Lexicon lexicon;
    private final Tokenizer tokenizer = new Tokenizer();

    public TextPipeline(TextSpec spec, Lexicon lexicon) {
        this.spec = spec;
        this.lexicon = lexicon;
    }

    public TextSpec spec() {
        return spec;
    }

    /** An augmented text and the ops that made it. */
    public record Result(String text, Sentence original, Sentence augmented, List<OpTrace> trace) {
    }

    public Result augment(String id, Split split, int epoch, int repeat, String text) {
        Sentence original = tokenizer.tokenize(text);
        if (split != Split.TRAIN) {
            return new Result(text, original, original, List.of());
        }
        RandomGenerator random = SampleRandom.forSample(spec.seed(), id, epoch, repeat);
        Sentence current = original;
        List<OpTrace> trace = new ArrayList<>();
        for (TextSpec.Step step : spec.steps()) {
            TextOp<?> op;
            if (step instanceof TextSpec.EdaStep eda) {
                op = eda.eda().forRepeat(repeat);
            } else {
                op = ((TextSpec.OpStep) step).op();
                if (!op.toss(random)) {
                    continue;
                }
            }
            TextOp.Applied applied = op.applyRandom(current, random, lexicon);
            current = applied.sentence();
            trace.add(new OpTrace(op.name(), applied.trace()));
        }
        return new Result(current.render(), original, current, trace);
    }

    /** The prepared record of one text sample. */
    public PreparedSample prepare(String id, String dataset, Split split, int epoch, int repeat, String text, Label label) {
        Result result = augment(id, split, epoch, repeat, text);
        return new PreparedSample(id, dataset, split, epoch, repeat, 0, new Text(result.text()), label, result.trace());
    }
}
