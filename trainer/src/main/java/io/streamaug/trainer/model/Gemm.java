package io.streamaug.trainer.model;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products of the project's layers: c = op(a)·op(b), straight through OpenBLAS's
 * {@code cblas_sgemm} (the OpenBLAS ND4J itself is built on, through JavaCPP's preset) for
 * contiguous float matrices in either order, with each array's order turned into a transpose
 * flag. ND4J 1.0.0-M2.1's {@code mmuli} on the same arrays costs up to four
 * times as much: [128, 784]·[784, 256] into a c-order result 1,040 µs against 543 µs here,
 * [128, 256]·[256, 128] 344 µs against 91 µs (one thread, on this project's kind of machine; see
 * docs/benchmarks.md). Anything else (other types, views with gaps) goes to ND4J's {@code mmuli}. The
 * sums are OpenBLAS's in another kernel order than ND4J's path, so results can differ from it in
 * the last bits.
 */
final class Gemm {
    private Gemm() {
    }

    /** c ← op(a)·op(b), op transposing when asked; c is written whole (its old values are not read). */
    static INDArray product(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c) {
        if (!(dense(a) && dense(b) && dense(c))) {
            return (transposeA ? a.transpose() : a).mmuli(transposeB ? b.transpose() : b, c);
        }
        long m = c.size(0);
        long n = c.size(1);
        long k = transposeA ? a.size(0) : a.size(1);
        if ((transposeA ? a.size(1) : a.size(0)) != m || (transposeB ? b.size(1) : b.size(0)) != k
                || (transposeB ? b.size(0) : b.size(1)) != n) {
            throw new IllegalArgumentException("cannot multiply " + shape(a, transposeA) + " by " + shape(b, transposeB)
                    + " into " + shape(c, false));
        }
        if (c.ordering() == 'c') {
            sgemm(a, transposeA, b, transposeB, c, m, n, k);
        } else { // an f-order c is cᵀ in row-major: cᵀ = op(b)ᵀ·op(a)ᵀ
            sgemm(b, !transposeB, a, !transposeA, c, n, m, k);
        }
        return c;
    }

    /** Row-major {@code cblas_sgemm}; an f-order operand is its transpose in row-major, so its flag flips. */
    private static void sgemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, long m, long n, long k) {
        boolean ta = transposeA ^ a.ordering() == 'f';
        boolean tb = transposeB ^ b.ordering() == 'f';
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int) m, (int) n, (int) k,
                1f, pointer(a), (int) rowLength(a), pointer(b), (int) rowLength(b), 0f, pointer(c), (int) rowLength(c));
    }

    /** The distance between rows of the matrix as stored row-major: its columns in c order, its rows in f order. */
    private static long rowLength(INDArray x) {
        return x.ordering() == 'c' ? x.size(1) : x.size(0);
    }

    /** A float matrix whose elements lie one after another in its order, from the start of its data buffer's pointer. */
    static boolean dense(INDArray x) {
        if (x.dataType() != DataType.FLOAT || x.rank() != 2 || x.offset() != x.data().offset() || x.size(0) > Integer.MAX_VALUE
                || x.size(1) > Integer.MAX_VALUE || x.length() == 0) {
            return false;
        }
        long[] stride = x.stride();
        return x.ordering() == 'c' ? stride[1] == 1 && stride[0] == x.size(1) : stride[0] == 1 && stride[1] == x.size(0);
    }

    private static FloatPointer pointer(INDArray x) {
        return new FloatPointer(x.data().addressPointer());
    }

    private static String shape(INDArray x, boolean transpose) {
        return transpose ? "[" + x.size(1) + ", " + x.size(0) + "]" : "[" + x.size(0) + ", " + x.size(1) + "]";
    }
}
