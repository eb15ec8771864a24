package io.streamaug.augment.image;

import io.streamaug.core.wire.Dtype;
import io.streamaug.core.wire.Half;
import io.streamaug.core.wire.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * The normalised tensor (C×H×W) of an 8-bit HWC image: uint8 keeps the pixels and carries the
 * affine parameters; float types are converted and normalised by OpenCV in bulk. Only the
 * record's own payload array is allocated per call. One instance per thread: it owns reusable
 * native buffers, released by {@link #close()}.
 */
final class TensorEncoder implements AutoCloseable {
    static {
        OpenCv.load(); // before the Mat fields below are initialised
    }

    private final Dtype dtype;
    private final float[] scale;
    private final float[] offset;
    private final Scalar scaleScalar;
    private final Scalar offsetScalar;
    private final Mat input = new Mat();
    private final Mat floatMat = new Mat();
    private final Mat planeMat = new Mat();
    private float[] planeFloats = new float[0];

    TensorEncoder(Dtype dtype, Normalization normalization) {
        this.dtype = dtype;
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

    /** The tensor of an image held in Java memory. */
    Tensor encode(AugmentedImage image) {
        input.create(image.height(), image.width(), CvType.CV_8UC(image.channels()));
        input.put(0, 0, image.hwc());
        return encode(input);
    }

    /** The tensor of an 8-bit HWC image; {@code image} is not changed. */
    Tensor encode(Mat image) {
        int channels = image.channels();
        int height = image.rows();
        int width = image.cols();
        if (image.depth() != CvType.CV_8U) {
            throw new IllegalStateException("pipeline expects 8-bit images, got depth " + image.depth());
        }
        int plane = height * width;
        if (dtype == Dtype.UINT8) {
            byte[] chw = new byte[channels * plane];
            planes(image).get(0, 0, chw);
            return Tensor.uint8(channels, height, width, chw, scale.clone(), offset.clone());
        }
        if (channels == 1) {
            image.convertTo(floatMat, CvType.CV_32F, scale[0], offset[0]);
        } else {
            image.convertTo(floatMat, CvType.CV_32F);
            Core.multiply(floatMat, scaleScalar, floatMat);
            Core.add(floatMat, offsetScalar, floatMat);
        }
        float[] floats = planeFloats(channels * plane);
        planes(floatMat).get(0, 0, floats);
        byte[] data = new byte[channels * plane * dtype.bytes()];
        ByteBuffer out = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == Dtype.FLOAT32) {
            out.asFloatBuffer().put(floats);
        } else {
            for (int i = 0; i < floats.length; i++) {
                out.putShort(i * 2, Half.fromFloat(floats[i]));
            }
        }
        return Tensor.ofRaw(dtype, channels, height, width, data);
    }

    /**
     * The channel planes of an HWC image, one after the other in one native buffer (C·H rows of W),
     * so that one copy takes them out; one channel is its own plane.
     */
    private Mat planes(Mat hwc) {
        if (hwc.channels() == 1) {
            return hwc;
        }
        planeMat.create(hwc.channels() * hwc.rows(), hwc.cols(), CvType.makeType(hwc.depth(), 1));
        for (int c = 0; c < hwc.channels(); c++) {
            Mat rows = planeMat.rowRange(c * hwc.rows(), (c + 1) * hwc.rows());
            try {
                Core.extractChannel(hwc, rows, c);
            } finally {
                rows.release();
            }
        }
        return planeMat;
    }

    private float[] planeFloats(int size) {
        if (planeFloats.length != size) {
            planeFloats = new float[size];
        }
        return planeFloats;
    }

    @Override
    public void close() {
        input.release();
        floatMat.release();
        planeMat.release();
    }
}
