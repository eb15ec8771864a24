package io.streamaug.augment.image;

import io.streamaug.augment.SampleRandom;
import io.streamaug.augment.image.mix.Mixing;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.PreparedSample;
import java.util.List;
import java.util.random.RandomGenerator;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Encoded image → decoded ({@link ImageDecoder}) → train: the spec's ops, val/test: its eval ops
 * ({@link StepRunner}, label rules and trace in {@link LabelTrace}) → normalised prepared tensor
 * ({@link TensorEncoder}); train samples may then be mixed with a partner and their labels smoothed
 * ({@link ImageMixer}). Soft labels are over the class count of the sample's dataset: given per
 * call, or the count given at construction. One instance per thread: its parts own reusable
 * native buffers, released by {@link #close()}.
 */
public final class ImagePipeline implements AutoCloseable {
    private final PipelineSpec spec;
    private final Normalization normalization;
    private final int classes;
    private final ImageDecoder decoder;
    private final ReducedDecode trainDecode;
    private final ReducedDecode evalDecode;
    private final StepRunner steps = new StepRunner();
    private final LabelTrace labels = new LabelTrace();
    private final ImageMixer mixer;
    private final TensorEncoder tensors;

    /**
     * @param classes the class count soft labels are over when a call gives none (0: every call
     *                that mixes or smooths labels must give its sample's count)
     */
    public ImagePipeline(PipelineSpec spec, Normalization normalization, int classes) {
        this(spec, normalization, classes, ImageLimits.DEFAULT);
    }

    /**
     * @param limits the largest encoded image and pixel count accepted, checked from the header before decoding
     */
    public ImagePipeline(PipelineSpec spec, Normalization normalization, int classes, ImageLimits limits) {
        if (normalization.channels() != spec.channels()) {
            throw new IllegalArgumentException("normalisation has " + normalization.channels()
                    + " channel(s) but the spec decodes " + spec.channels());
        }
        Mixing mixing = spec.mixing();
        if ((mixing.mixes() || mixing.labelSmoothing() > 0) && (classes < 0 || classes == 1)) {
            throw new IllegalArgumentException("mixing and label smoothing need the dataset's class count");
        }
        this.spec = spec;
        this.normalization = normalization;
        this.classes = classes;
        this.decoder = new ImageDecoder(spec.channels(), limits, spec.decode());
        this.trainDecode = ReducedDecode.forSteps(spec.ops());
        this.evalDecode = ReducedDecode.forSteps(spec.evalOps());
        this.mixer = new ImageMixer(spec.seed(), mixing);
        this.tensors = new TensorEncoder(spec.dtype(), normalization);
    }

    public PipelineSpec spec() {
        return spec;
    }

    /** Which of {@code candidates} buffered samples this sample mixes with: drawn from its own generator. */
    public int pickPartner(AugmentedImage sample, int candidates) {
        return mixer.pickPartner(sample, candidates);
    }

    /** As {@link #prepare(String, String, Split, int, int, byte[], Label, int)} with the constructor's class count. */
    public PreparedSample prepare(String id, String dataset, Split split, int epoch, int repeat, byte[] image, Label label) {
        return prepare(id, dataset, split, epoch, repeat, image, label, classes);
    }

    /**
     * Prepares one sample without a mixing partner: decode, ops (train) or eval ops (val/test),
     * label smoothing over {@code classes} (the sample's dataset's) for train when the spec asks, normalise.
     *
     * @throws IllegalArgumentException when the bytes are not an image the decoder accepts
     */
    public PreparedSample prepare(String id, String dataset, Split split, int epoch, int repeat, byte[] image, Label label,
            int classes) {
        return finish(id, dataset, split, epoch, repeat, decodeAndRun(id, split, epoch, repeat, image, label), classes);
    }

    /**
     * Prepares an already decoded image (8-bit, the spec's channel count, RGB order): for callers
     * that decode themselves, and for benchmarks of the ops alone. {@code decoded} is not changed.
     */
    public PreparedSample prepare(String id, String dataset, Split split, int epoch, int repeat, Mat decoded, Label label) {
        if (decoded.channels() != spec.channels() || decoded.depth() != CvType.CV_8U) {
            throw new IllegalArgumentException("expected an 8-bit image with " + spec.channels() + " channel(s)");
        }
        decoded.copyTo(steps.image());
        return finish(id, dataset, split, epoch, repeat, runSteps(id, split, epoch, repeat, label), classes);
    }

    /** The prepared record of the current image: label smoothing for train when the spec asks, normalise. */
    private PreparedSample finish(String id, String dataset, Split split, int epoch, int repeat, Label label, int classes) {
        return new PreparedSample(id, dataset, split, epoch, repeat, normalization.statsVersion(),
                tensors.encode(steps.image()), mixer.smoothed(label, split, classes), labels.trace());
    }

    /** Decodes and augments one sample into Java memory, for mixing, previews and files. */
    public AugmentedImage augment(String id, Split split, int epoch, int repeat, byte[] image, Label label) {
        Label out = decodeAndRun(id, split, epoch, repeat, image, label);
        Mat current = steps.image();
        byte[] hwc = new byte[(int) current.total() * current.channels()];
        current.get(0, 0, hwc);
        return new AugmentedImage(id, split, epoch, repeat, current.rows(), current.cols(), current.channels(), hwc,
                out, labels.trace());
    }

    /** As {@link #mix(AugmentedImage, AugmentedImage, int)} with the constructor's class count. */
    public AugmentedImage mix(AugmentedImage sample, AugmentedImage partner) {
        return mix(sample, partner, classes);
    }

    /**
     * Mixes a train sample with a partner as the spec's {@code mix} section says (or not, by its
     * {@code p}), with the sample's own mixing generator; applies label smoothing. Soft labels are
     * over {@code classes}, the count of the sample's dataset (the partner's must be the same).
     */
    public AugmentedImage mix(AugmentedImage sample, AugmentedImage partner, int classes) {
        return mixer.mix(sample, partner, classes);
    }

    /** The prepared record of an augmented (and possibly mixed) image. */
    public PreparedSample toPrepared(AugmentedImage image, String dataset) {
        return new PreparedSample(image.id(), dataset, image.split(), image.epoch(), image.repeat(),
                normalization.statsVersion(), tensors.encode(image), image.label(), image.trace());
    }

    /**
     * Decodes into the current image, reduced when the split's first step allows it, and runs the
     * split's steps on it; returns the (possibly remapped) label. A first {@code RandomResizedCrop}
     * is drawn before decoding, as its box chooses the reduction ({@link ReducedDecode#drawCrop}).
     * When that first step works on each channel alone, a colour JPEG that OpenCV decodes stays in
     * its BGR order through it and is turned to RGB on its output, not on the whole decoded image
     * (TurboJPEG decodes to RGB at no cost: {@link ImageDecoder#decodesBgr}).
     */
    private Label decodeAndRun(String id, Split split, int epoch, int repeat, byte[] image, Label label) {
        ImageDecoder.Encoded encoded = decoder.inspect(image);
        ReducedDecode plan = split == Split.TRAIN ? trainDecode : evalDecode;
        boolean bgr = plan.firstOpPerChannel() && decoder.decodesBgr(encoded);
        List<Step> ops = split == Split.TRAIN ? spec.ops() : spec.evalOps();
        labels.start(label);
        if (!plan.perSample() || !decoder.reducible(encoded)) {
            decoder.decode(encoded, steps.image(), plan, !bgr);
            steps.run(ops, SampleRandom.forSample(spec.seed(), id, epoch, repeat), labels, bgr);
            return labels.label(label);
        }
        RandomGenerator random = SampleRandom.forSample(spec.seed(), id, epoch, repeat);
        ReducedDecode.Crop crop = plan.drawCrop(random, encoded, spec.channels());
        decoder.decode(encoded, steps.image(), crop.factor(), !bgr);
        steps.run(ops, random, labels, crop, bgr);
        return labels.label(label);
    }

    /** The reduction (1, 2, 4 or 8) of the last image decoded. */
    public int lastDecodeFactor() {
        return decoder.lastFactor();
    }

    /** Runs the split's steps on the current image and returns the (possibly remapped) label. */
    private Label runSteps(String id, Split split, int epoch, int repeat, Label label) {
        labels.start(label);
        steps.run(split == Split.TRAIN ? spec.ops() : spec.evalOps(), SampleRandom.forSample(spec.seed(), id, epoch, repeat),
                labels);
        return labels.label(label);
    }

    @Override
    public void close() {
        decoder.close();
        steps.close();
        mixer.close();
        tensors.close();
    }
}
