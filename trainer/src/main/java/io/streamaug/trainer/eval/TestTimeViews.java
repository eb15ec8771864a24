package io.streamaug.trainer.eval;

import io.streamaug.trainer.features.ImageFeatures;

/**
 * Test-time augmentation for images: the views of a test image that the training distribution
 * holds, whose predicted class probabilities the evaluator averages. The views are every shift of
 * the content by up to {@code shift} pixels in each direction — the workers' {@code RandomCrop}
 * with that padding — each also mirrored left–right when {@code flip} is set: {@code (2·shift + 1)²}
 * views, twice that with flips. Shifted-in pixels take the channel's darkest value, which on
 * Fashion-MNIST is the background, the value RandomCrop's fill 0 gives.
 *
 * <p>A model trained without those augmentations has not learnt those invariances; averaging over
 * the views then helps it little or hurts, so report both figures.
 */
public record TestTimeViews(boolean flip, int shift) {
    /** The largest shift accepted: 81 views, 162 with flips. */
    public static final int MAX_SHIFT = 4;

    public static final TestTimeViews NONE = new TestTimeViews(false, 0);

    public TestTimeViews {
        if (shift < 0 || shift > MAX_SHIFT) {
            throw new IllegalArgumentException("the test-time shift must be between 0 and " + MAX_SHIFT
                    + " pixels, got " + shift);
        }
    }

    /** How many views each test image is scored in. */
    public int count() {
        int side = 2 * shift + 1;
        return side * side * (flip ? 2 : 1);
    }

    public boolean any() {
        return count() > 1;
    }

    /**
     * Writes view {@code index} (0 ≤ index < {@link #count()}; view 0 is the image itself) of each of
     * {@code rows} images, normalised C×H×W values of {@code shape} one after another in {@code src},
     * to the same places in {@code dst}.
     */
    public void write(float[] src, float[] dst, int rows, ImageFeatures shape, int index) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException("view " + index + " of " + count());
        }
        int side = 2 * shift + 1;
        int position = index % (side * side);
        // position 0 must be the unshifted image, so number the shifts from the centre
        int centred = (position + (side * side) / 2) % (side * side);
        int dy = centred / side - shift;
        int dx = centred % side - shift;
        boolean mirror = index >= side * side;
        int height = shape.height();
        int width = shape.width();
        int plane = height * width;
        for (int base = 0; base < rows * shape.size(); base += plane) { // one channel of one image at a time
            float fill = Float.POSITIVE_INFINITY;
            for (int i = base; i < base + plane; i++) {
                fill = Math.min(fill, src[i]);
            }
            for (int y = 0; y < height; y++) {
                int sy = y - dy;
                for (int x = 0; x < width; x++) {
                    int sx = (mirror ? width - 1 - x : x) - dx;
                    dst[base + y * width + x] = sy < 0 || sy >= height || sx < 0 || sx >= width
                            ? fill : src[base + sy * width + sx];
                }
            }
        }
    }

    @Override
    public String toString() {
        return count() + " views (shifts up to " + shift + " px" + (flip ? ", each also flipped" : "") + ")";
    }
}
