package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.VectorMath.L;
import static dev.clm4j.tensor.cpu.VectorMath.BITS;
import static dev.clm4j.tensor.cpu.VectorMath.EXP_MAX;
import static dev.clm4j.tensor.cpu.VectorMath.EXP_MIN;
import static dev.clm4j.tensor.cpu.VectorMath.INV_SQRT2;
import static dev.clm4j.tensor.cpu.VectorMath.LN2_HI;
import static dev.clm4j.tensor.cpu.VectorMath.LN2_LO;
import static dev.clm4j.tensor.cpu.VectorMath.LOG2E;
import static dev.clm4j.tensor.cpu.VectorMath.ROUNDER;
import static dev.clm4j.tensor.cpu.VectorMath.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GELU forward and backward loops with the normal CDF (the approximation of the scalar
 * {@link VectorMath#normalCdf(float)}) and the vector exp of {@link VectorMath} written out in the
 * loop body, exp with the same operations in the same order (so the same bits).
 *
 * <p>Why not call a vector helper for Phi (there was one, VectorMath.normalCdf): C2 on JDK 17 sometimes compiles such a
 * helper on its own instead of inlining it (it is large, and already compiled for softmax), and
 * there the exact class of its vector argument is unknown. Then every Vector API call in it falls
 * back to Java code that boxes each vector ({@code lanewiseTemplate} in a profile). In a JFR profile
 * of the full training step (batch 32 x 64, AMD Zen 4, session 11) those fallbacks made GELU and its
 * backward 16% of the step. Written out in one loop whose vectors all come from loads of the
 * species constant, nothing is left for C2 to compile apart, so every op is intrinsified.
 */
final class GeluKernels {
    private GeluKernels() {
    }

    /** out[s..e) = x * Phi(x) for x = in[s..e); out may be in. */
    static void forward(float[] in, float[] out, int s, int e) {
        FloatVector lo = FloatVector.broadcast(S, EXP_MIN);
        FloatVector hi = FloatVector.broadcast(S, EXP_MAX);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        int i = s;
        for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, in, i);
            // Phi(v), the approximation of VectorMath.normalCdf(float)
            FloatVector z = v.abs().mul(INV_SQRT2);
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
            FloatVector t2 = t.mul(t);
            FloatVector t4 = t2.mul(t2);
            FloatVector t8 = t4.mul(t4);
            FloatVector a0 = t.fma(1.00002368f, -1.26551223f);
            FloatVector a1 = t.fma(0.09678418f, 0.37409196f);
            FloatVector a2 = t.fma(0.27886807f, -0.18628806f);
            FloatVector a3 = t.fma(1.48851587f, -1.13520398f);
            FloatVector a4 = t.fma(0.17087277f, -0.82215223f);
            FloatVector poly = t8.fma(a4, t4.fma(t2.fma(a3, a2), t2.fma(a1, a0)));
            // e^(poly - z^2), as VectorMath.exp
            FloatVector ezx = z.mul(z).neg().add(poly);
            ezx = ezx.blend(lo, ezx.lt(lo)).blend(hi, ezx.compare(VectorOperators.GT, hi));
            FloatVector ezt = ezx.fma(LOG2E, ROUNDER);
            FloatVector ezn = ezt.sub(ROUNDER);
            FloatVector ezr = ezn.fma(ln2Hi, ezx);
            ezr = ezn.fma(ln2Lo, ezr);
            FloatVector ezr2 = ezr.mul(ezr);
            FloatVector ezp = ezr2.fma(ezr2.fma(ezr.fma(1.9875691500E-4f, 1.3981999507E-3f), ezr.fma(8.3334519073E-3f, 4.1665795894E-2f)),
                    ezr.fma(1.6666665459E-1f, 5.0000001201E-1f));
            ezp = ezr2.fma(ezp, ezr).add(1f);
            IntVector ezbits = ((IntVector) ezt.reinterpretShape(BITS, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
            FloatVector ez = ezp.mul((FloatVector) ezbits.reinterpretShape(S, 0));
            FloatVector halfErfc = t.mul(ez).mul(0.5f);
            FloatVector cdf = halfErfc.blend(halfErfc.neg().add(1f), v.compare(VectorOperators.GT, 0f));
            v.mul(cdf).intoArray(out, i);
        }
        for (; i < e; i++) {
            out[i] = in[i] * VectorMath.normalCdf(in[i]);
        }
    }

    /** out[s..e) = dy * (Phi(x) + x * pdf(x)). */
    static void backward(float[] x, float[] dy, float[] out, int s, int e) {
        FloatVector lo = FloatVector.broadcast(S, EXP_MIN);
        FloatVector hi = FloatVector.broadcast(S, EXP_MAX);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        int i = s;
        for (int bound = s + S.loopBound(e - s); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            // e^(-v^2 / 2), as VectorMath.exp
            FloatVector ehx = v.mul(v).mul(-0.5f);
            ehx = ehx.blend(lo, ehx.lt(lo)).blend(hi, ehx.compare(VectorOperators.GT, hi));
            FloatVector eht = ehx.fma(LOG2E, ROUNDER);
            FloatVector ehn = eht.sub(ROUNDER);
            FloatVector ehr = ehn.fma(ln2Hi, ehx);
            ehr = ehn.fma(ln2Lo, ehr);
            FloatVector ehr2 = ehr.mul(ehr);
            FloatVector ehp = ehr2.fma(ehr2.fma(ehr.fma(1.9875691500E-4f, 1.3981999507E-3f), ehr.fma(8.3334519073E-3f, 4.1665795894E-2f)),
                    ehr.fma(1.6666665459E-1f, 5.0000001201E-1f));
            ehp = ehr2.fma(ehp, ehr).add(1f);
            IntVector ehbits = ((IntVector) eht.reinterpretShape(BITS, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
            FloatVector eh = ehp.mul((FloatVector) ehbits.reinterpretShape(S, 0));
            FloatVector pdf = eh.mul(VectorMath.INV_SQRT_2PI);
            FloatVector z = v.abs().mul(INV_SQRT2);
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
            FloatVector t2 = t.mul(t);
            FloatVector t4 = t2.mul(t2);
            FloatVector t8 = t4.mul(t4);
            FloatVector a0 = t.fma(1.00002368f, -1.26551223f);
            FloatVector a1 = t.fma(0.09678418f, 0.37409196f);
            FloatVector a2 = t.fma(0.27886807f, -0.18628806f);
            FloatVector a3 = t.fma(1.48851587f, -1.13520398f);
            FloatVector a4 = t.fma(0.17087277f, -0.82215223f);
            FloatVector poly = t8.fma(a4, t4.fma(t2.fma(a3, a2), t2.fma(a1, a0)));
            // e^(poly - z^2), as VectorMath.exp
            FloatVector ezx = z.mul(z).neg().add(poly);
            ezx = ezx.blend(lo, ezx.lt(lo)).blend(hi, ezx.compare(VectorOperators.GT, hi));
            FloatVector ezt = ezx.fma(LOG2E, ROUNDER);
            FloatVector ezn = ezt.sub(ROUNDER);
            FloatVector ezr = ezn.fma(ln2Hi, ezx);
            ezr = ezn.fma(ln2Lo, ezr);
            FloatVector ezr2 = ezr.mul(ezr);
            FloatVector ezp = ezr2.fma(ezr2.fma(ezr.fma(1.9875691500E-4f, 1.3981999507E-3f), ezr.fma(8.3334519073E-3f, 4.1665795894E-2f)),
                    ezr.fma(1.6666665459E-1f, 5.0000001201E-1f));
            ezp = ezr2.fma(ezp, ezr).add(1f);
            IntVector ezbits = ((IntVector) ezt.reinterpretShape(BITS, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
            FloatVector ez = ezp.mul((FloatVector) ezbits.reinterpretShape(S, 0));
            FloatVector halfErfc = t.mul(ez).mul(0.5f);
            FloatVector cdf = halfErfc.blend(halfErfc.neg().add(1f), v.compare(VectorOperators.GT, 0f));
            FloatVector grad = v.fma(pdf, cdf);
            FloatVector.fromArray(S, dy, i).mul(grad).intoArray(out, i);
        }
        for (; i < e; i++) {
            float v = x[i];
            float pdf = VectorMath.INV_SQRT_2PI * (float) Math.exp(-0.5f * v * v);
            out[i] = dy[i] * (VectorMath.normalCdf(v) + v * pdf);
        }
    }
}
