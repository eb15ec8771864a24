package io.streamaug.augment.image;

import io.streamaug.datasets.IdxImages;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Encodes images of an IDX set (Fashion-MNIST) as the PNG files a raw record carries, reusing one
 * Mat and one buffer for every image: the producer, preview/apply and bench pipeline all make raw
 * records this way. Close it to free the native buffers.
 */
public final class IdxPngEncoder implements AutoCloseable {
    private final IdxImages set;
    private final Mat image;
    private final MatOfByte out;
    private final byte[] pixels;

    public IdxPngEncoder(IdxImages set) {
        OpenCv.load();
        this.out = new MatOfByte();
        this.set = set;
        this.image = new Mat(set.height(), set.width(), CvType.CV_8UC1);
        this.pixels = new byte[set.height() * set.width()];
    }

    /** The PNG file of image {@code i}. */
    public byte[] encode(int i) {
        set.copyImage(i, pixels);
        image.put(0, 0, pixels);
        if (!Imgcodecs.imencode(".png", image, out)) {
            throw new IllegalStateException("OpenCV could not encode image " + i + " as PNG");
        }
        return out.toArray();
    }

    @Override
    public void close() {
        image.release();
        out.release();
    }
}
