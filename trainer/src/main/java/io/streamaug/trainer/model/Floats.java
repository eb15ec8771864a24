package io.streamaug.trainer.model;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Copies between float ND4J arrays and Java arrays, in the arrays' row-major order: one memcpy when the array is contiguous. */
final class Floats {
    private Floats() {
    }

    /** {@code array} when it holds {@code length} values, else a new one that does ({@code array} may be null). */
    static float[] atLeast(float[] array, long length) {
        return array != null && array.length >= length ? array : new float[Math.toIntExact(length)];
    }

    /** Copies {@code from}'s values, row-major, into the start of {@code into}; returns {@code into}. */
    static float[] read(INDArray from, float[] into) {
        int n = Math.toIntExact(from.length());
        if (contiguous(from)) {
            new FloatPointer(from.data().addressPointer()).get(into, 0, n);
        } else {
            System.arraycopy(from.dup('c').data().asFloat(), 0, into, 0, n);
        }
        return into;
    }

    /** Copies the start of {@code from} into {@code to}, row-major. */
    static void write(float[] from, INDArray to) {
        int n = Math.toIntExact(to.length());
        if (contiguous(to)) {
            new FloatPointer(to.data().addressPointer()).put(from, 0, n);
        } else {
            to.assign(Nd4j.create(Arrays.copyOf(from, n), to.shape(), 'c'));
        }
    }

    /** Float values one after another in row-major order, from the address of the array's data buffer (a view's starts at its offset). */
    static boolean contiguous(INDArray array) {
        return array.dataType() == DataType.FLOAT && array.elementWiseStride() == 1 && array.offset() == array.data().offset()
                && (array.isVectorOrScalar() || array.ordering() == 'c');
    }
}
