package io.streamaug.core.cli;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Numbers as people write them in logs, summaries and reports: {@code 1e-3}, {@code 5e-4},
 * {@code 0.1}, {@code 0.05}, {@code 3} — never {@code 0.00100000} or {@code 1.0E-4}.
 */
public final class HumanNumbers {
    private HumanNumbers() {
    }

    /** {@code value} to four significant digits, in scientific notation below 0.01, plainly otherwise. */
    public static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros();
        if (Math.abs(value) >= 0.01 && Math.abs(value) < 1e7) {
            return rounded.toPlainString();
        }
        int exponent = rounded.precision() - rounded.scale() - 1;
        String mantissa = rounded.movePointLeft(exponent).stripTrailingZeros().toPlainString();
        return mantissa + "e" + exponent;
    }
}
