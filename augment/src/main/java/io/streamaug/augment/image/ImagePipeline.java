package io.streamaug.augment.image;

import io.streamaug.augment.SampleRandom;
import io.streamaug.augment.image.mix.MixOp;
import io.streamaug.augment.image.mix.Mixing;
import io.streamaug.augment.spec.LabelRule;
import io.streamaug.augment.spec.PipelineSpec;
import io.streamaug.augment.spec.Step;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Scalar;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Encoded image → decoded → train: the spec's ops (label rules applied), val/test: the spec's eval
 * ops only → normalised prepared tensor; train samples may then be mixed with a partner. One
 * instance per thread: it owns reusable native buffers, released by {@link #close()}.
 */
public final class ImagePipeline implements AutoCloseable {
    static {
        OpenCv.load(); // before the Mat fields below are initialised
    }

    /** Salt of the mixing generator, so mixing draws are independent of the ops' draws. */
    private static final long MIX_SALT = 0x6d69786d69784c4cL;
    /** Salt of the generator that picks a mixing partner. */
    private static final long PARTNER_SALT = 0x706172746e657221L;

    /** Which of {@code candidates} buffered samples this sample mixes with: drawn from its own generator. */
    public int pickPartner(AugmentedImage sample, int candidates) {
        return SampleRandom.forSample(spec.seed() ^ PARTNER_SALT, sample.id(), sample.epoch(), sample.repeat())
                .nextInt(candidates);
    }

    private final PipelineSpec spec;
    private final ImageLimits limits;
    private final Normalization normalization;
    private final int classes;
    private final float[] scale;
    private final float[] offset;
    private final MatOfByte encoded = new MatOfByte();
    private final Workspace workspace = new Workspace();
    private Mat current = new Mat();
    private Mat spare = new Mat();
    private final Mat partnerMat = new Mat();
    private final Mat floatMat = new Mat();
    private final Mat planeMat = new Mat();
    private final Scalar scaleScalar;
    private final Scalar offsetScalar;
    private byte[] planeBytes = new byte[0];
    private float[] planeFloats = new float[0];
    private int currentLabel;
    private final List<OpTrace> trace = new ArrayList<>();

    /**
     * @param classes number of classes, needed when the spec mixes or smooths labels (0: unknown)
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
        if ((mixing.mixes() || mixing.labelSmoothing() > 0) && classes < 2) {
            throw new IllegalArgumentException("mixing and label smoothing need the dataset's class count");
        }
        this.spec = spec;
        this.normalization = normalization;
        this.classes = classes;
        this.limits = limits;
        this.scale = normalization.uint8Scale();
        this.offset = normalization.uint8Offset();
        this.scaleScalar = scalar(scale);
        this.offsetScalar = scalar(offset);
    }

    private static Scalar scalar(float[] values) {
        double[] v = new double[4];
        for (int i = 0; i < values.length; i++) {
            v[i] = values[i];
        }
        return new Scalar(v);
    }

    public PipelineSpec spec() {
        return spec;
    }

    /**
     * Prepares one sample without a mixing partner: decode, ops (train) or eval ops (val/test),
     * label smoothing for train when the spec asks for it, normalise.
     *
     * @throws IllegalArgumentException when the bytes are not an image OpenCV can decode
     */
    public PreparedSample prepare(String id, String dataset, Split split, int epoch, int repeat, byte[] image, Label label) {
        return finish(id, dataset, split, epoch, repeat, run(id, split, epoch, repeat, image, label));
    }

    /**
     * Prepares an already decoded image (8-bit, the spec's channel count, RGB order): for callers
     * that decode themselves, and for benchmarks of the ops alone. {@code decoded} is not changed.
     */
    public PreparedSample prepare(String id, String dataset, Split split, int epoch, int repeat, Mat decoded, Label label) {
        if (decoded.channels() != spec.channels() || decoded.depth() != CvType.CV_8U) {
            throw new IllegalArgumentException("expected an 8-bit image with " + spec.channels() + " channel(s)");
        }
        decoded.copyTo(current);
        return finish(id, dataset, split, epoch, repeat, runSteps(id, split, epoch, repeat, label));
    }

    /** The prepared record of {@code current}: label smoothing for train when the spec asks, normalise. */
    private PreparedSample finish(String id, String dataset, Split split, int epoch, int repeat, Label label) {
        Label out = label;
        if (split == Split.TRAIN && spec.mixing().labelSmoothing() > 0) {
            out = new Label.Soft(MixOp.smooth(toVector(out), spec.mixing().labelSmoothing()));
        }
        return new PreparedSample(id, dataset, split, epoch, repeat, normalization.statsVersion(),
                toTensor(current), out, List.copyOf(trace));
    }

    /** Decodes and augments one sample into Java memory, for mixing, previews and files. */
    public AugmentedImage augment(String id, Split split, int epoch, int repeat, byte[] image, Label label) {
        Label out = run(id, split, epoch, repeat, image, label);
        byte[] hwc = new byte[(int) current.total() * current.channels()];
        current.get(0, 0, hwc);
        return new AugmentedImage(id, split, epoch, repeat, current.rows(), current.cols(), current.channels(), hwc,
                out, trace);
    }

    /**
     * Mixes a train sample with a partner as the spec's {@code mix} section says (or not, by its
     * {@code p}), with the sample's own mixing generator; applies label smoothing.
     */
    public AugmentedImage mix(AugmentedImage sample, AugmentedImage partner) {
        Mixing mixing = spec.mixing();
        RandomGenerator random = SampleRandom.forSample(spec.seed() ^ MIX_SALT, sample.id(), sample.epoch(), sample.repeat());
        MixOp<?> op = sample.split() == Split.TRAIN ? mixing.choose(random) : null;
        if (partner == null) {
            op = null; // nothing to mix with yet (the first sample of a stream): smoothing only
        }
        float[] label = sample.label() instanceof Label.None ? null : toVector(sample.label());
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
        current.create(sample.height(), sample.width(), type);
        current.put(0, 0, sample.hwc());
        partnerMat.create(partner.height(), partner.width(), type);
        partnerMat.put(0, 0, partner.hwc());
        byte[] mixed = new byte[sample.hwc().length];
        List<OpTrace> mixedTrace = new ArrayList<>(sample.trace());
        double weight = mixInto(op, random, mixedTrace, partner.id());
        spare.get(0, 0, mixed);
        float[] soft = MixOp.mixLabels(label, toVector(partner.label()), weight);
        if (mixing.labelSmoothing() > 0) {
            soft = MixOp.smooth(soft, mixing.labelSmoothing());
        }
        return withLabel(sample, mixed, soft, mixedTrace);
    }

    private <P extends Record> double mixInto(MixOp<P> op, RandomGenerator random, List<OpTrace> out, String partnerId) {
        P params = op.sample(random, current.rows(), current.cols());
        op.apply(current, partnerMat, spare, params);
        Map<String, Object> described = new java.util.LinkedHashMap<>(op.describe(params));
        described.put("partner", partnerId);
        out.add(new OpTrace(op.name(), described));
        return op.sampleWeight(params);
    }

    /** The prepared record of an augmented (and possibly mixed) image. */
    public PreparedSample toPrepared(AugmentedImage image, String dataset) {
        current.create(image.height(), image.width(), CvType.CV_8UC(image.channels()));
        current.put(0, 0, image.hwc());
        return new PreparedSample(image.id(), dataset, image.split(), image.epoch(), image.repeat(),
                normalization.statsVersion(), toTensor(current), image.label(), image.trace());
    }

    private static AugmentedImage withLabel(AugmentedImage image, byte[] hwc, float[] soft, List<OpTrace> trace) {
        return new AugmentedImage(image.id(), image.split(), image.epoch(), image.repeat(), image.height(), image.width(),
                image.channels(), hwc, new Label.Soft(soft), trace);
    }

    private float[] toVector(Label label) {
        if (label instanceof Label.Soft soft) {
            return soft.weights();
        }
        if (!(label instanceof Label.Hard hard) || hard.index() >= classes) {
            throw new IllegalArgumentException("label " + label + " does not fit " + classes + " classes");
        }
        float[] vector = new float[classes];
        vector[hard.index()] = 1;
        return vector;
    }

    /** Decodes into {@code current}, runs the split's steps, and returns the (possibly remapped) label. */
    private Label run(String id, Split split, int epoch, int repeat, byte[] image, Label label) {
        decode(image);
        return runSteps(id, split, epoch, repeat, label);
    }

    private Label runSteps(String id, Split split, int epoch, int repeat, Label label) {
        trace.clear();
        currentLabel = label instanceof Label.Hard hard ? hard.index() : -1;
        RandomGenerator random = SampleRandom.forSample(spec.seed(), id, epoch, repeat);
        runSteps(split == Split.TRAIN ? spec.ops() : spec.evalOps(), random);
        return currentLabel >= 0 ? Label.of(currentLabel) : label;
    }

    private void decode(byte[] image) {
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("record value is empty: no image to decode");
        }
        limits.check(image);
        encoded.fromArray(image);
        Mat decoded = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_UNCHANGED);
        try {
            if (decoded.empty()) {
                throw new IllegalArgumentException("value is not an image OpenCV can decode (" + image.length + " bytes)");
            }
            if (decoded.depth() != CvType.CV_8U) {
                decoded.convertTo(decoded, CvType.CV_8U, decoded.depth() == CvType.CV_16U ? 1 / 257.0 : 1.0);
            }
            int found = decoded.channels();
            if (spec.channels() == 1) {
                switch (found) {
                    case 1 -> decoded.copyTo(current);
                    case 2 -> Core.extractChannel(decoded, current, 0); // gray + alpha: the gray
                    default -> throw new IllegalArgumentException("image has " + found
                            + " channels but the spec expects 1 (grayscale)");
                }
            } else {
                switch (found) {
                    case 3 -> Imgproc.cvtColor(decoded, current, Imgproc.COLOR_BGR2RGB);
                    case 4 -> Imgproc.cvtColor(decoded, current, Imgproc.COLOR_BGRA2RGB);
                    default -> throw new IllegalArgumentException("image has " + found
                            + " channel(s) but the spec expects 3 (RGB)");
                }
            }
        } finally {
            decoded.release();
        }
    }

    private void runSteps(List<Step> steps, RandomGenerator random) {
        for (Step step : steps) {
            runStep(step, random, false);
        }
    }

    private void runStep(Step step, RandomGenerator random, boolean forced) {
        if (step instanceof Step.Op opStep) {
            if (!forced && !opStep.op().toss(random)) {
                return;
            }
            applyOp(opStep.op(), opStep.rule(), random);
        } else if (step instanceof Step.OneOf oneOf) {
            if (random.nextDouble() >= oneOf.p()) {
                return;
            }
            runStep(oneOf.steps().get(pickWeighted(oneOf.steps(), random)), random, true);
        } else if (step instanceof Step.SomeOf someOf) {
            if (random.nextDouble() >= someOf.p()) {
                return;
            }
            int n = someOf.min() + random.nextInt(someOf.max() - someOf.min() + 1);
            int size = someOf.steps().size();
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            for (int i = 0; i < n; i++) { // partial Fisher–Yates: n distinct steps
                int j = i + random.nextInt(size - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            int[] chosen = Arrays.copyOf(order, n);
            Arrays.sort(chosen);
            for (int index : chosen) {
                runStep(someOf.steps().get(index), random, true);
            }
        }
    }

    private static int pickWeighted(List<Step> steps, RandomGenerator random) {
        double total = 0;
        double[] weights = new double[steps.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = steps.get(i) instanceof Step.Op op ? op.op().p() : 1.0;
            total += weights[i];
        }
        double draw = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private void applyOp(ImageOp<?> op, LabelRule rule, RandomGenerator random) {
        if (currentLabel >= 0 && !rule.allows(currentLabel)) {
            return;
        }
        Object params = op.applyRandom(current, spare, random, workspace);
        Map<String, Object> described = op.trace(params);
        if (currentLabel >= 0 && !rule.isNone()) {
            int remapped = rule.apply(currentLabel);
            if (remapped != currentLabel) {
                described = new java.util.LinkedHashMap<>(described);
                described.put("label", remapped);
                currentLabel = remapped;
            }
        }
        trace.add(new OpTrace(op.name(), described));
        Mat swap = current;
        current = spare;
        spare = swap;
    }

    /**
     * The normalised tensor (C×H×W) of an 8-bit HWC image: uint8 keeps the pixels and carries the
     * affine parameters; float types are converted and normalised by OpenCV in bulk. Only the
     * record's own payload array is allocated per call.
     */
    private Tensor toTensor(Mat image) {
        int channels = image.channels();
        int height = image.rows();
        int width = image.cols();
        if (image.depth() != CvType.CV_8U) {
            throw new IllegalStateException("pipeline expects 8-bit images, got depth " + image.depth());
        }
        int plane = height * width;
        Dtype dtype = spec.dtype();
        if (dtype == Dtype.UINT8) {
            byte[] chw = new byte[channels * plane];
            if (channels == 1) {
                image.get(0, 0, chw);
            } else {
                byte[] planeBytes = planeBytes(plane);
                for (int c = 0; c < channels; c++) {
                    Core.extractChannel(image, planeMat, c);
                    planeMat.get(0, 0, planeBytes);
                    System.arraycopy(planeBytes, 0, chw, c * plane, plane);
                }
            }
            return Tensor.uint8(channels, height, width, chw, scale.clone(), offset.clone());
        }
        if (channels == 1) {
            image.convertTo(floatMat, CvType.CV_32F, scale[0], offset[0]);
        } else {
            image.convertTo(floatMat, CvType.CV_32F);
            Core.multiply(floatMat, scaleScalar, floatMat);
            Core.add(floatMat, offsetScalar, floatMat);
        }
        byte[] data = new byte[channels * plane * dtype.bytes()];
        java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] planeFloats = planeFloats(plane);
        for (int c = 0; c < channels; c++) {
            Mat source = floatMat;
            if (channels > 1) {
                Core.extractChannel(floatMat, planeMat, c);
                source = planeMat;
            }
            source.get(0, 0, planeFloats);
            if (dtype == Dtype.FLOAT32) {
                out.asFloatBuffer().put(c * plane, planeFloats);
            } else {
                for (int i = 0; i < plane; i++) {
                    out.putShort((c * plane + i) * 2, io.streamaug.core.wire.Half.fromFloat(planeFloats[i]));
                }
            }
        }
        return Tensor.ofRaw(dtype, channels, height, width, data);
    }

    private byte[] planeBytes(int plane) {
        if (planeBytes.length != plane) {
            planeBytes = new byte[plane];
        }
        return planeBytes;
    }

    private float[] planeFloats(int plane) {
        if (planeFloats.length != plane) {
            planeFloats = new float[plane];
        }
        return planeFloats;
    }

    @Override
    public void close() {
        encoded.release();
        current.release();
        spare.release();
        partnerMat.release();
        floatMat.release();
        planeMat.release();
        workspace.close();
    }
}
