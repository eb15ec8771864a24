package io.streamaug.core.wire;

/** IEEE 754 binary16 conversion (Java 17 has no Float.floatToFloat16); round half to even. */
public final class Half {
    private Half() {
    }

    /** The float16 bits nearest to {@code value}. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exp == 0xff) { // Inf or NaN
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int halfExp = exp - 127 + 15;
        if (halfExp >= 0x1f) { // overflow → Inf
            return (short) (sign | 0x7c00);
        }
        if (halfExp <= 0) { // subnormal or zero
            if (halfExp < -10) {
                return (short) sign;
            }
            int m = mantissa | 0x800000;
            int shift = 14 - halfExp;
            int half = m >>> shift;
            int remainder = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (remainder > halfway || (remainder == halfway && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = sign | (halfExp << 10) | (mantissa >>> 13);
        int remainder = mantissa & 0x1fff;
        if (remainder > 0x1000 || (remainder == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, which is the correct rounding
        }
        return (short) half;
    }

    /** The float value of float16 bits. */
    public static float toFloat(short halfBits) {
        int h = halfBits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exp == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mantissa * 0x1p-24f; // subnormal
            return sign == 0 ? value : -value;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mantissa << 13));
    }
}
