package io.streamaug.augment.image.ops;

import io.streamaug.augment.image.ImageOp;
import io.streamaug.augment.image.Workspace;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * JPEG compression artefacts (torchvision v2's JPEG): encodes at a quality drawn uniformly from
 * the whole numbers in {@code [minQuality, maxQuality]} (1..100, libjpeg's scale, 4:2:0 chroma for
 * colour) and decodes again.
 */
public final class JpegQuality extends ImageOp<JpegQuality.Params> {
    /** The drawn quality. */
    public record Params(int quality) {
    }

    private final int minQuality;
    private final int maxQuality;

    public JpegQuality(int minQuality, int maxQuality, double p) {
        super(p);
        if (minQuality < 1 || maxQuality > 100 || maxQuality < minQuality) {
            throw new IllegalArgumentException("quality_range must be whole numbers within [1, 100], got ["
                    + minQuality + ", " + maxQuality + "]");
        }
        this.minQuality = minQuality;
        this.maxQuality = maxQuality;
    }

    @Override
    protected Params sample(RandomGenerator random, int height, int width, int channels) {
        return new Params(minQuality == maxQuality ? minQuality : minQuality + random.nextInt(maxQuality - minQuality + 1));
    }

    @Override
    protected void apply(Mat src, Mat dst, Params params, Workspace workspace) {
        boolean colour = src.channels() == 3;
        Mat bgr = workspace.mat(this, 0);
        if (colour) {
            Imgproc.cvtColor(src, bgr, Imgproc.COLOR_RGB2BGR); // the encoder takes BGR; YCbCr depends on the order
        } else {
            src.copyTo(bgr);
        }
        MatOfByte encoded = new MatOfByte();
        MatOfInt options = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, params.quality());
        Mat decoded = null;
        try {
            if (!Imgcodecs.imencode(".jpg", bgr, encoded, options)) {
                throw new IllegalStateException("OpenCV could not encode a JPEG");
            }
            decoded = Imgcodecs.imdecode(encoded, colour ? Imgcodecs.IMREAD_COLOR : Imgcodecs.IMREAD_GRAYSCALE);
            if (colour) {
                Imgproc.cvtColor(decoded, dst, Imgproc.COLOR_BGR2RGB);
            } else {
                decoded.copyTo(dst);
            }
        } finally {
            encoded.release();
            options.release();
            if (decoded != null) {
                decoded.release();
            }
        }
    }

    @Override
    protected Map<String, Object> describe(Params params) {
        return Map.of("quality", params.quality());
    }
}
