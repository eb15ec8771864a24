package io.streamaug.augment.spec;

import io.streamaug.augment.SpecIdentity;
import io.streamaug.augment.image.DecodeOptions;
import io.streamaug.augment.image.Normalization;
import io.streamaug.augment.image.mix.Mixing;
import io.streamaug.core.wire.Dtype;
import java.util.List;

/**
 * A validated pipeline spec: what train samples go through ({@code ops}, then {@code mixing}),
 * what val/test samples go through ({@code evalOps}: deterministic resizing and cropping only),
 * how many augmented variants each train input yields ({@code repeats}), the channel count images
 * are decoded to and how ({@code decode}), the normalisation ({@code null}: from the training-set
 * statistics) and the output dtype.
 */
public record PipelineSpec(long seed, int channels, int repeats, List<Step> ops, List<Step> evalOps, Mixing mixing,
        Normalization normalization, Dtype dtype, SpecIdentity identity,
        DecodeOptions decode) {
    /** With {@link DecodeOptions#DEFAULT}. */
    public PipelineSpec(long seed, int channels, int repeats, List<Step> ops, List<Step> evalOps, Mixing mixing,
            Normalization normalization, Dtype dtype, SpecIdentity identity) {
        this(seed, channels, repeats, ops, evalOps, mixing, normalization, dtype, identity, DecodeOptions.DEFAULT);
    }

    /** A spec built in code (tests, preview's variants): identity {@link SpecIdentity#INLINE}. */
    public PipelineSpec(long seed, int channels, int repeats, List<Step> ops, List<Step> evalOps, Mixing mixing,
            Normalization normalization, Dtype dtype) {
        this(seed, channels, repeats, ops, evalOps, mixing, normalization, dtype, SpecIdentity.INLINE);
    }

    public PipelineSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        ops = List.copyOf(ops);
        evalOps = List.copyOf(evalOps);
    }
}
