package io.streamaug.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GemmTest {
    private static INDArray matrix(Random random, long rows, long columns, char order) {
        float[] values = new float[(int) (rows * columns)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {rows, columns}, 'c').dup(order);
    }

    /** ND4J's product in double, the reference. */
    private static float[] reference(INDArray a, boolean ta, INDArray b, boolean tb) {
        INDArray x = ta ? a.transpose() : a;
        INDArray y = tb ? b.transpose() : b;
        return x.castTo(DataType.DOUBLE).mmul(y.castTo(DataType.DOUBLE)).castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Every order of a, b and c, every transpose, odd sizes and vectors: the product to float rounding, written whole. */
    @Test
    void everyOrderAndTransposeGivesTheProduct() {
        Random random = new Random(3);
        int cases = 0;
        for (long[] mnk : new long[][] {{5, 7, 3}, {1, 9, 4}, {6, 1, 2}, {4, 5, 1}, {33, 17, 65}}) {
            long m = mnk[0];
            long n = mnk[1];
            long k = mnk[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (char oa : new char[] {'c', 'f'}) {
                        for (char ob : new char[] {'c', 'f'}) {
                            for (char oc : new char[] {'c', 'f'}) {
                                INDArray a = ta ? matrix(random, k, m, oa) : matrix(random, m, k, oa);
                                INDArray b = tb ? matrix(random, n, k, ob) : matrix(random, k, n, ob);
                                INDArray c = Nd4j.valueArrayOf(new long[] {m, n}, Float.NaN, DataType.FLOAT).dup(oc);
                                assertThat(Gemm.product(a, ta, b, tb, c)).isSameAs(c);
                                assertThat(c.dup('c').data().asFloat()).as("%s %s %s %s %s %s", m + "x" + n + "x" + k, ta, tb, oa, ob, oc)
                                        .containsExactly(reference(a, ta, b, tb), within(1e-4f));
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(5 * 32);
    }

    @Test
    void denseFloatMatricesTakeOpenBlasAndOthersNd4j() {
        Random random = new Random(5);
        INDArray a = matrix(random, 6, 8, 'c');
        assertThat(Gemm.dense(a)).isTrue();
        assertThat(Gemm.dense(a.transpose())).isTrue();
        assertThat(Gemm.dense(a.dup('f'))).isTrue();
        INDArray columns = a.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 5)); // rows with gaps
        assertThat(Gemm.dense(columns)).isFalse();
        assertThat(Gemm.dense(a.castTo(DataType.DOUBLE))).isFalse();
        // The ND4J path gives the same product for what OpenBLAS is not handed.
        INDArray b = matrix(random, 4, 3, 'c');
        INDArray c = Nd4j.create(DataType.FLOAT, 6, 3);
        Gemm.product(columns, false, b, false, c);
        assertThat(c.dup('c').data().asFloat()).containsExactly(reference(columns, false, b, false), within(1e-4f));
        INDArray view = Nd4j.create(DataType.FLOAT, 6, 10).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3));
        Gemm.product(columns, false, b, false, view);
        assertThat(view.dup('c').data().asFloat()).containsExactly(reference(columns, false, b, false), within(1e-4f));
    }

    /** A view at an offset inside a larger buffer (as the layers' gradient views are) is written in place and nothing around it. */
    @Test
    void writesAViewInsideAFlatArrayInPlace() {
        Random random = new Random(11);
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 1, 100);
        INDArray view = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(10, 10 + 4 * 6)).reshape('f', 4, 6);
        INDArray a = matrix(random, 5, 4, 'c');
        INDArray b = matrix(random, 5, 6, 'c');
        Gemm.product(a, true, b, false, view);
        assertThat(view.dup('c').data().asFloat()).containsExactly(reference(a, true, b, false), within(1e-4f));
        float[] all = flat.data().asFloat();
        for (int i = 0; i < 100; i++) {
            if (i < 10 || i >= 34) {
                assertThat(all[i]).as("element %d outside the view", i).isZero();
            }
        }
    }

    @Test
    void mismatchedShapesAreRefused() {
        Random random = new Random(1);
        assertThatThrownBy(() -> Gemm.product(matrix(random, 3, 4, 'c'), false, matrix(random, 5, 2, 'c'), false,
                Nd4j.create(DataType.FLOAT, 3, 2))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 4] by [5, 2]");
    }
}
