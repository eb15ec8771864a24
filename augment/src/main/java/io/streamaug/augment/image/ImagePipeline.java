package io.streamaug.augment.image;

import io.streamaug.augment.SampleRandom;
import io.streamaug.core.Split;
import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Label;
import io.streamaug.core.wire.OpTrace;
import io.streamaug.core.wire.PreparedSample;
import io.streamaug.core.wire.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Encoded image → decoded → (train only) augmented → normalised prepared tensor. One instance per
 * thread: it owns reusable native buffers, released by {@link #close()}.
 */
public final class ImagePipeline implements AutoCloseable {
    static {
        OpenCv.load(); // before the Mat fields below are initialised
    }

    private final long seed;
    private final List<ImageOp<?>> ops;
    private final Normalization normalization;
    private final Dtype dtype;
    private final MatOfByte encoded = new MatOfByte();
    private Mat current = new Mat();
    private Mat spare = new Mat();

    public ImagePipeline(long seed, List<? extends ImageOp<?>> ops, Normalization normalization, Dtype dtype) {
        this.seed = seed;
        this.ops = List.copyOf(ops);
        this.normalization = normalization;
        this.dtype = dtype;
    }

    /**
     * Prepares one sample. Train samples go through the ops with the generator of
     * (seed, id, epoch, repeat); val and test samples are only decoded and normalised.
     *
     * @throws IllegalArgumentException when the bytes are not an image OpenCV can decode, or the
     *                                  channel count does not match the normalisation
     */
    public PreparedSample prepare(String id, String dataset, Split split, int epoch, int repeat, byte[] image,
            Label label) {
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("record value is empty: no image to decode");
        }
        int channels = normalization.channels();
        encoded.fromArray(image);
        Mat decoded = Imgcodecs.imdecode(encoded, channels == 1 ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR);
        try {
            if (decoded.empty()) {
                throw new IllegalArgumentException("value is not an image OpenCV can decode (" + image.length + " bytes)");
            }
            if (channels == 3) {
                Imgproc.cvtColor(decoded, current, Imgproc.COLOR_BGR2RGB);
            } else {
                decoded.copyTo(current);
            }
        } finally {
            decoded.release();
        }
        List<OpTrace> trace = new ArrayList<>();
        if (split == Split.TRAIN) {
            SplittableRandom random = SampleRandom.forSample(seed, id, epoch, repeat);
            for (ImageOp<?> op : ops) {
                Object params = op.maybeApply(current, spare, random);
                if (params != null) {
                    trace.add(new OpTrace(op.name(), op.trace(params)));
                    Mat swap = current;
                    current = spare;
                    spare = swap;
                }
            }
        }
        return new PreparedSample(id, dataset, split, epoch, repeat, normalization.statsVersion(),
                toTensor(current), label, trace);
    }

    private Tensor toTensor(Mat image) {
        int channels = image.channels();
        int height = image.rows();
        int width = image.cols();
        if (image.depth() != CvType.CV_8U) {
            throw new IllegalStateException("pipeline expects 8-bit images, got depth " + image.depth());
        }
        byte[] hwc = new byte[channels * height * width];
        image.get(0, 0, hwc);
        byte[] chw = channels == 1 ? hwc : toChw(hwc, channels, height * width);
        if (dtype == Dtype.UINT8) {
            return Tensor.uint8(channels, height, width, chw, normalization.uint8Scale(), normalization.uint8Offset());
        }
        float[] scale = normalization.uint8Scale();
        float[] offset = normalization.uint8Offset();
        float[] values = new float[chw.length];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                values[c * plane + i] = (chw[c * plane + i] & 0xff) * scale[c] + offset[c];
            }
        }
        return Tensor.ofFloats(dtype, channels, height, width, values);
    }

    private static byte[] toChw(byte[] hwc, int channels, int plane) {
        byte[] chw = new byte[hwc.length];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                chw[c * plane + i] = hwc[i * channels + c];
            }
        }
        return chw;
    }

    @Override
    public void close() {
        encoded.release();
        current.release();
        spare.release();
    }

    /** Returns {@code Core.VERSION}, for logs. */
    public static String openCvVersion() {
        OpenCv.load();
        return Core.VERSION;
    }
}
