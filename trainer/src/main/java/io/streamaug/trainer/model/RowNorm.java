package io.streamaug.trainer.model;

/**
 * The layer norm of {@link Dense} over the rows of an [n, d] float matrix, as loops over Java
 * arrays: in ND4J 1.0.0-M2.1's generic build each of the ten or so whole-array ops the closed form
 * takes is a scalar loop with its own JNI call, shape buffers and set-up, which at minibatch 1 costs
 * more than the arithmetic. The maths is {@link DenseImpl}'s: x̂ = (x − mean) / (σ + ε) with σ the
 * population standard deviation, z = g·x̂ + b; and backward, with d = g·dz,
 * dx = (d − mean(d) − x̂·mean(d·x̂)) / (σ + ε), dg = Σ dz·x̂, db = Σ dz over the rows. Means and
 * variances are accumulated in double.
 */
final class RowNorm {
    private RowNorm() {
    }

    /**
     * Normalises each row of {@code x} in place (it becomes x̂), writes 1/(σ + ε) per row into
     * {@code inverseStd} and g·x̂ + b into {@code z}; {@code bias} may be null.
     */
    static void forward(float[] x, int n, int d, double epsilon, float[] gain, float[] bias, float[] inverseStd, float[] z) {
        for (int r = 0; r < n; r++) {
            int base = r * d;
            double sum = 0;
            for (int i = base; i < base + d; i++) {
                sum += x[i];
            }
            float mean = (float) (sum / d);
            double squares = 0;
            for (int i = base; i < base + d; i++) {
                float centred = x[i] - mean;
                squares += centred * centred;
            }
            float inv = (float) (1.0 / (Math.sqrt(squares / d) + epsilon));
            inverseStd[r] = inv;
            for (int i = 0; i < d; i++) {
                float xHat = (x[base + i] - mean) * inv;
                x[base + i] = xHat;
                z[base + i] = bias == null ? gain[i] * xHat : gain[i] * xHat + bias[i];
            }
        }
    }

    /**
     * Turns {@code dz} (the gradient at z) into the gradient at x in place, and writes the gain's
     * gradient and, when {@code biasGrad} is not null, the bias's.
     */
    static void backward(float[] dz, float[] xHat, int n, int d, float[] gain, float[] inverseStd, float[] gainGrad, float[] biasGrad) {
        java.util.Arrays.fill(gainGrad, 0, d, 0f);
        if (biasGrad != null) {
            java.util.Arrays.fill(biasGrad, 0, d, 0f);
        }
        for (int r = 0; r < n; r++) {
            int base = r * d;
            double sumD = 0;
            double sumDXHat = 0;
            for (int i = 0; i < d; i++) {
                float g = dz[base + i];
                float x = xHat[base + i];
                gainGrad[i] += g * x;
                if (biasGrad != null) {
                    biasGrad[i] += g;
                }
                float scaled = gain[i] * g;
                dz[base + i] = scaled;
                sumD += scaled;
                sumDXHat += scaled * x;
            }
            float meanD = (float) (sumD / d);
            float meanDXHat = (float) (sumDXHat / d);
            float inv = inverseStd[r];
            for (int i = base; i < base + d; i++) {
                dz[i] = (dz[i] - meanD - xHat[i] * meanDXHat) * inv;
            }
        }
    }
}
