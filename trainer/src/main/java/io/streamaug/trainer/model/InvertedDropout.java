package io.streamaug.trainer.model;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's inverted dropout ({@link Dropout}: each unit kept with probability p and then divided by p,
 * so that the expected activation is unchanged; the same mask on the way back), with the mask drawn
 * and applied by a Java loop for float activations. ND4J 1.0.0-M2.1's {@code DropOutInverted} op
 * draws one random number per unit through its generator and was about a tenth of an MLP step at
 * minibatch 128; here a SplitMix64 generator gives two 24-bit uniforms per draw and the mask is
 * applied without a branch. The generator is seeded from ND4J's at each call, so a run is as
 * reproducible from the network's seed as with DL4J's dropout, but the masks are not ND4J's.
 * Other data types and a scheduled p are DL4J's dropout unchanged.
 */
public final class InvertedDropout extends Dropout {
    private transient float[] scale = new float[0]; // 1/p where the unit is kept, else 0, for the last forward pass
    private transient float[] values = new float[0];
    private transient int keptLength = -1; // the length the mask belongs to, or −1 when none is kept

    /** @param p the probability of keeping a unit, in (0, 1] (DL4J's convention) */
    public InvertedDropout(double p) {
        super(p);
    }

    @JsonCreator
    InvertedDropout(@JsonProperty("p") double p, @JsonProperty("pSchedule") ISchedule schedule) {
        super(p, schedule);
    }

    private boolean inJava(INDArray input, INDArray result) {
        return getPSchedule() == null && input.dataType() == DataType.FLOAT && result.dataType() == DataType.FLOAT
                && input.length() == result.length() && input.length() < Integer.MAX_VALUE;
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch, LayerWorkspaceMgr workspaceMgr) {
        keptLength = -1;
        if (!inJava(input, result)) {
            return super.applyDropout(input, result, iteration, epoch, workspaceMgr);
        }
        int n = (int) input.length();
        scale = Floats.atLeast(scale, n);
        values = Floats.atLeast(values, n);
        draw(Nd4j.getRandom().nextLong(), getP(), scale, n);
        float[] x = Floats.read(input, values);
        for (int i = 0; i < n; i++) {
            x[i] *= scale[i];
        }
        Floats.write(x, result);
        keptLength = n;
        return result;
    }

    /**
     * Fills {@code scale[0, n)} with 1/p where a unit is kept and 0 where it is dropped, each kept with
     * probability p (to 2⁻²⁴), independently, from a SplitMix64 sequence started at {@code seed}.
     */
    static void draw(long seed, double p, float[] scale, int n) {
        int threshold = (int) Math.round(p * (1 << 24)); // kept when a 24-bit uniform is below it
        int kept = Float.floatToRawIntBits((float) (1.0 / p));
        long state = seed;
        for (int i = 0; i < n; i += 2) {
            long z = state += 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            int first = (int) (z >>> 40);
            scale[i] = Float.intBitsToFloat(kept & ((first - threshold) >> 31)); // all ones below the threshold
            if (i + 1 < n) {
                int second = (int) (z >>> 8) & 0xFFFFFF;
                scale[i + 1] = Float.intBitsToFloat(kept & ((second - threshold) >> 31));
            }
        }
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (keptLength < 0) {
            return super.backprop(gradAtOutput, gradAtInput, iteration, epoch);
        }
        if (gradAtOutput.length() != keptLength || gradAtInput.length() != keptLength || gradAtOutput.dataType() != DataType.FLOAT
                || gradAtInput.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("InvertedDropout: a gradient of " + gradAtOutput.length() + " values for a mask of "
                    + keptLength);
        }
        float[] g = Floats.read(gradAtOutput, values);
        for (int i = 0; i < keptLength; i++) {
            g[i] *= scale[i];
        }
        Floats.write(g, gradAtInput);
        keptLength = -1;
        return gradAtInput;
    }

    @Override
    public void clear() {
        super.clear();
        keptLength = -1;
    }

    @Override
    public InvertedDropout clone() {
        return new InvertedDropout(getP(), getPSchedule() == null ? null : getPSchedule().clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InvertedDropout && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 1;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof InvertedDropout;
    }
}
