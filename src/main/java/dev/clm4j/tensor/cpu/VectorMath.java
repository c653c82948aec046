package dev.clm4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised elementwise math. GELU uses erf from Abramowitz and Stegun 7.1.26 (absolute error
 * below 1.5e-7, under float32 resolution for GELU's outputs) with the vector exp.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f;
    private static final float A2 = -0.284496736f;
    private static final float A3 = 1.421413741f;
    private static final float A4 = -1.453152027f;
    private static final float A5 = 1.061405429f;
    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float INV_SQRT_2PI = 0.39894228040143268f;

    private VectorMath() {
    }

    /** erf of each lane. */
    static FloatVector erf(FloatVector z) {
        FloatVector a = z.abs();
        FloatVector t = a.mul(P).add(1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector poly = t.mul(A5).add(A4).mul(t).add(A3).mul(t).add(A2).mul(t).add(A1).mul(t);
        FloatVector e = a.mul(a).neg().lanewise(VectorOperators.EXP);
        FloatVector y = poly.mul(e).neg().add(1f);
        VectorMask<Float> negative = z.compare(VectorOperators.LT, 0f);
        return y.blend(y.neg(), negative);
    }

    static float erf(float z) {
        float a = Math.abs(z);
        float t = 1f / (1f + P * a);
        float y = 1f - (((((A5 * t + A4) * t) + A3) * t + A2) * t + A1) * t * (float) Math.exp(-a * a);
        return z < 0 ? -y : y;
    }

    static void gelu(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector cdf = erf(v.mul(INV_SQRT2)).add(1f).mul(0.5f);
            v.mul(cdf).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = x[i] * 0.5f * (1f + erf(x[i] * INV_SQRT2));
        }
    }

    static void geluBackward(float[] x, float[] dy, float[] out, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector cdf = erf(v.mul(INV_SQRT2)).add(1f).mul(0.5f);
            FloatVector pdf = v.mul(v).mul(-0.5f).lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
            FloatVector.fromArray(S, dy, i).mul(cdf.add(v.mul(pdf))).intoArray(out, i);
        }
        for (; i < to; i++) {
            float v = x[i];
            float cdf = 0.5f * (1f + erf(v * INV_SQRT2));
            float pdf = INV_SQRT_2PI * (float) Math.exp(-0.5f * v * v);
            out[i] = dy[i] * (cdf + v * pdf);
        }
    }

    /** Sum of a[from..to). */
    static float sum(float[] a, int from, int to) {
        FloatVector acc = FloatVector.zero(S);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            acc = acc.add(FloatVector.fromArray(S, a, i));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    /** y[yOff..] += alpha * x[xOff..], n entries. */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** Dot product of n entries. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }
}
