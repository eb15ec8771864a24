package io.streamaug.augment.image;

import io.streamaug.augment.SampleRandom;
import io.streamaug.augment.image.mix.MixOp;
import io.streamaug.augment.image.mix.Mixing;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * The spec's {@code mix} section on augmented train samples: picks a partner, mixes pixels and
 * labels with MixUp or CutMix (or not, by its {@code p}) and applies label smoothing, each with
 * the sample's own generator. Labels become soft vectors over the class count given per call —
 * the count of the sample's dataset. One instance per thread: it owns reusable native buffers,
 * released by {@link #close()}.
 */
final class ImageMixer implements AutoCloseable {
    static {
        OpenCv.load(); // before the Mat fields below are initialised
    }

    /** Salt of the mixing generator, so mixing draws are independent of the ops' draws. */
    private static final long MIX_SALT = 0x6d69786d69784c4cL;
    /** Salt of the generator that picks a mixing partner. */
    private static final long PARTNER_SALT = 0x706172746e657221L;

    private final long seed;
    private final Mixing mixing;
    private final Mat sampleMat = new Mat();
    private final Mat partnerMat = new Mat();
    private final Mat mixedMat = new Mat();

    ImageMixer(long seed, Mixing mixing) {
        this.seed = seed;
        this.mixing = mixing;
    }

    /** Which of {@code candidates} buffered samples this sample mixes with: drawn from its own generator. */
    int pickPartner(AugmentedImage sample, int candidates) {
        return SampleRandom.forSample(seed ^ PARTNER_SALT, sample.id(), sample.epoch(), sample.repeat())
                .nextInt(candidates);
    }

    /** A train label smoothed as the spec asks (other splits, and specs without smoothing: unchanged). */
    Label smoothed(Label label, Split split, int classes) {
        if (split == Split.TRAIN && mixing.labelSmoothing() > 0) {
            return new Label.Soft(MixOp.smooth(vector(label, classes), mixing.labelSmoothing()));
        }
        return label;
    }

    /** Mixes {@code sample} with {@code partner} (or, without one, only smooths); labels over {@code classes}. */
    AugmentedImage mix(AugmentedImage sample, AugmentedImage partner, int classes) {
        RandomGenerator random = SampleRandom.forSample(seed ^ MIX_SALT, sample.id(), sample.epoch(), sample.repeat());
        MixOp<?> op = sample.split() == Split.TRAIN ? mixing.choose(random) : null;
        if (partner == null) {
            op = null; // nothing to mix with yet (the first sample of a stream): smoothing only
        }
        float[] label = sample.label() instanceof Label.None ? null : vector(sample.label(), classes);
        if (op == null) {
            return label == null || mixing.labelSmoothing() == 0 || sample.split() != Split.TRAIN ? sample
                    : withLabel(sample, sample.hwc(), MixOp.smooth(label, mixing.labelSmoothing()), sample.trace());
        }
        if (partner.height() != sample.height() || partner.width() != sample.width()
                || partner.channels() != sample.channels()) {
            throw new IllegalArgumentException("cannot mix " + sample.height() + "×" + sample.width() + " with a "
                    + partner.height() + "×" + partner.width() + " partner: make train outputs one size");
        }
        if (label == null || partner.label() instanceof Label.None) {
            throw new IllegalArgumentException("mixing needs labelled samples");
        }
        int type = CvType.CV_8UC(sample.channels());
        sampleMat.create(sample.height(), sample.width(), type);
        sampleMat.put(0, 0, sample.hwc());
        partnerMat.create(partner.height(), partner.width(), type);
        partnerMat.put(0, 0, partner.hwc());
        byte[] mixed = new byte[sample.hwc().length];
        List<OpTrace> mixedTrace = new ArrayList<>(sample.trace());
        double weight = mixInto(op, random, mixedTrace, partner.id());
        mixedMat.get(0, 0, mixed);
        float[] soft = MixOp.mixLabels(label, vector(partner.label(), classes), weight);
        if (mixing.labelSmoothing() > 0) {
            soft = MixOp.smooth(soft, mixing.labelSmoothing());
        }
        return withLabel(sample, mixed, soft, mixedTrace);
    }

    private <P extends Record> double mixInto(MixOp<P> op, RandomGenerator random, List<OpTrace> out, String partnerId) {
        P params = op.sample(random, sampleMat.rows(), sampleMat.cols());
        op.apply(sampleMat, partnerMat, mixedMat, params);
        Map<String, Object> described = new LinkedHashMap<>(op.describe(params));
        described.put("partner", partnerId);
        out.add(new OpTrace(op.name(), described));
        return op.sampleWeight(params);
    }

    private static AugmentedImage withLabel(AugmentedImage image, byte[] hwc, float[] soft, List<OpTrace> trace) {
        return new AugmentedImage(image.id(), image.split(), image.epoch(), image.repeat(), image.height(), image.width(),
                image.channels(), hwc, new Label.Soft(soft), trace);
    }

    /** A label as a vector over {@code classes}: a soft label as it is, a hard one one-hot. */
    static float[] vector(Label label, int classes) {
        if (label instanceof Label.Soft soft) {
            return soft.weights();
        }
        if (label instanceof Label.Hard && classes < 2) {
            throw new IllegalArgumentException("mixing and label smoothing need the dataset's class count (got "
                    + classes + ")");
        }
        if (!(label instanceof Label.Hard hard) || hard.index() >= classes) {
            throw new IllegalArgumentException("label " + label + " does not fit " + classes + " classes");
        }
        float[] vector = new float[classes];
        vector[hard.index()] = 1;
        return vector;
    }

    @Override
    public void close() {
        sampleMat.release();
        partnerMat.release();
        mixedMat.release();
    }
}
