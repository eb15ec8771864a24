package io.streamaug.core;

/** How the project writes parameters and figures people read: four decimals. */
public final class Decimals {
    private Decimals() {
    }

    /**
     * {@code value} rounded to four decimals (traces, summaries, JSON results: enough to read and to
     * replay a parameter); NaN and infinities as they are.
     */
    public static double round4(double value) {
        return Double.isFinite(value) ? Math.round(value * 1e4) / 1e4 : value;
    }
}
