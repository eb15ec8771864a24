package io.streamaug.trainer.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * ND4J's {@link L2Regularization} (λ·w added to the gradient, ½·λ·Σw² added to the score) computed
 * with BLAS: {@code axpy} for the gradient and {@code dot} for the score. ND4J's own are a pairwise
 * op and a {@code norm2} reduction that its generic build runs as scalar loops; in JFR profiles of
 * the MLP at minibatch 1 the score's three {@code norm2} reductions alone were 6–9 % of a step, and
 * OpenBLAS's {@code sdot} takes about a tenth of the time. Arrays that are not contiguous, or
 * not laid out alike, fall back to ND4J's ops. The score's sum of squares is accumulated by OpenBLAS,
 * so it can differ from ND4J's in the last bits; the gradient is the same.
 */
public final class BlasL2Regularization extends L2Regularization {
    public BlasL2Regularization(double l2) {
        super(l2);
    }

    public BlasL2Regularization(@JsonProperty("l2") ISchedule l2) {
        super(l2);
    }

    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        if (!contiguous(param) || !contiguous(gradView) || param.ordering() != gradView.ordering()
                || param.dataType() != gradView.dataType() || !Arrays.equals(param.shape(), gradView.shape())) {
            super.apply(param, gradView, lr, iteration, epoch);
            return;
        }
        Nd4j.getBlasWrapper().level1().axpy(param.length(), l2.valueAt(iteration, epoch), param, gradView);
    }

    @Override
    public double score(INDArray param, int iteration, int epoch) {
        if (!contiguous(param)) {
            return super.score(param, iteration, epoch);
        }
        return 0.5 * l2.valueAt(iteration, epoch) * Nd4j.getBlasWrapper().level1().dot(param.length(), 1.0, param, param);
    }

    @Override
    public Regularization clone() {
        return new BlasL2Regularization(l2.clone());
    }

    private static boolean contiguous(INDArray array) {
        return (array.dataType() == DataType.FLOAT || array.dataType() == DataType.DOUBLE) && array.elementWiseStride() == 1
                && array.length() > 0;
    }
}
