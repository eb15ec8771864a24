package io.streamaug.trainer.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Stride-1 "same" convolutions through ND4J's {@code conv2d} and {@code conv2d_bp} ops, which the
 * {@code -onednn} native build of ND4J runs as oneDNN primitives: direct convolutions whose kernels
 * oneDNN generates at run time for the CPU's widest vector unit (AVX-512 where there is one), with
 * no patch matrix. On this project's kind of machine, at minibatch 32, the 32→64-channel 3×3 layer
 * of the {@code cnn} model takes 1.6 ms forward and 3.0 ms backward this way, against 9 ms for the
 * three matrix products alone of the patch-matrix path (see docs/benchmarks.md). The generic build
 * runs the same ops as plain loops, several times slower than the patch-matrix path, so they are
 * used only when the loaded build carries oneDNN ({@code HAVE_ONEDNN} in its build information) and
 * ND4J's helpers are allowed ({@code Nd4j.getEnvironment().allowHelpers(false)} turns them off for
 * ND4J's own layers and for {@link SameConvolution} alike).
 *
 * <p>Arrays are NCHW, float, row-major; weights [C_out, C_in, kH, kW] as DL4J stores them.
 */
final class Onednn {
    private static final boolean IN_BUILD = buildHasOnednn();

    private Onednn() {
    }

    private static boolean buildHasOnednn() {
        Nd4j.getExecutioner(); // loads ND4J's backend, which the native ops' holder needs first
        return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
    }

    /** Whether the loaded ND4J build carries oneDNN. */
    static boolean inBuild() {
        return IN_BUILD;
    }

    /** Whether float convolutions go through oneDNN now: the build carries it and ND4J's helpers are allowed. */
    static boolean inUse() {
        return IN_BUILD && Nd4j.getEnvironment().helpersAllowed();
    }

    /** Whether convolutions of {@code x} with weights of {@code type} go through oneDNN now. */
    static boolean convolves(INDArray x, DataType type) {
        return type == DataType.FLOAT && x.dataType() == DataType.FLOAT && inUse();
    }

    /** z ← x ⊛ w (+ b), padded by kH/2 and kW/2 so that z has x's height and width; {@code b} may be null. */
    static void forward(INDArray x, INDArray w, INDArray b, INDArray z) {
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d");
        op = b == null ? op.addInputs(x, w) : op.addInputs(x, w, b.reshape(b.length()));
        Nd4j.exec(op.addOutputs(z).addIntegerArguments(arguments(w)).build());
    }

    /**
     * From the gradient dz at the output: dx, dw and (when {@code b} is not null) db, each written
     * into the array given, which may be a view (DL4J's gradient views are).
     */
    static void backward(INDArray x, INDArray w, INDArray b, INDArray dz, INDArray dx, INDArray dw, INDArray db) {
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d_bp");
        op = b == null ? op.addInputs(x, w, dz).addOutputs(dx, dw)
                : op.addInputs(x, w, b.reshape(b.length()), dz).addOutputs(dx, dw, db.reshape(db.length()));
        Nd4j.exec(op.addIntegerArguments(arguments(w)).build());
    }

    /** kH, kW, strides 1, padding kH/2 and kW/2, dilations 1, explicit padding, NCHW, weights [C_out, C_in, kH, kW]. */
    private static int[] arguments(INDArray w) {
        int kH = (int) w.size(2);
        int kW = (int) w.size(3);
        return new int[] {kH, kW, 1, 1, kH / 2, kW / 2, 1, 1, 0, 0, 1};
    }
}
