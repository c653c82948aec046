package dev.clm4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector math the kernels share: exp, the normal CDF (for GELU) and small reductions.
 *
 * <p>exp is Cephes' expf (range reduction by ln 2 in two parts, a degree-6 polynomial, 2^n built in
 * the exponent bits), relative error below 1e-7 over the float range; it is 10x faster than the
 * Vector API's EXP lanewise op on JDK 17. The scale 2^n is read from the bits of the rounding sum
 * (the 1.5 * 2^23 trick) rather than by a float-to-int conversion, which JDK 17 does not intrinsify.
 *
 * <p>The normal CDF uses erfc from Numerical Recipes (erfcc, Chebyshev fit), whose relative error is
 * below 1.2e-7 for every argument, so GELU stays accurate in both tails, not just in absolute terms
 * (Abramowitz-Stegun 7.1.26 is 1.5e-7 absolute only).
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** The int species of S's shape: the target of exp's bit casts, a constant for C2. */
    static final VectorSpecies<Integer> BITS = VectorSpecies.of(int.class, S.vectorShape());

    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float ROUNDER = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    static final float EXP_MIN = -87.33654f; // exp of anything lower is below FLT_MIN
    static final float EXP_MAX = 88.72283f;
    static final float INV_SQRT2 = 0.70710678118654752f;
    static final float INV_SQRT_2PI = 0.39894228040143268f;

    private VectorMath() {
    }

    /** A vector with every lane x (C2 hoists these out of loops). */
    static FloatVector c(float x) {
        return FloatVector.broadcast(S, x);
    }

    /**
     * e^x per lane; inputs below -87.34 give about 1e-38 (not 0), from 88.38 on infinity (2^n reaches
     * 2^128 there, below the true overflow at 88.72). The callers (softmax, GELU) only pass arguments
     * at or below 0.
     */
    static FloatVector exp(FloatVector x) {
        // Clamp by compare and blend: 4 instructions where Java's NaN-aware min/max take 12.
        FloatVector lo = c(EXP_MIN);
        FloatVector hi = c(EXP_MAX);
        x = x.blend(lo, x.lt(lo)).blend(hi, x.compare(VectorOperators.GT, hi));
        FloatVector t = x.fma(LOG2E, ROUNDER); // n + ROUNDER, exactly, with n = round(x / ln 2)
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(c(-LN2_HI), x);
        r = n.fma(c(-LN2_LO), r);
        // e^r = 1 + r + r^2 P(r), P of degree 5 in Estrin's form (a shorter dependency chain).
        FloatVector r2 = r.mul(r);
        FloatVector p01 = r.fma(1.6666665459E-1f, 5.0000001201E-1f);
        FloatVector p23 = r.fma(8.3334519073E-3f, 4.1665795894E-2f);
        FloatVector p45 = r.fma(1.9875691500E-4f, 1.3981999507E-3f);
        FloatVector p = r2.fma(r2.fma(p45, p23), p01);
        p = r2.fma(p, r).add(1f);
        // The low mantissa bits of t hold n (two's complement, offset by 2^22 which the shift drops).
        // The bit casts name their target species: reinterpretAsInts() and reinterpretAsFloats() look
        // it up at run time, and when C2 cannot fold that lookup the cast is not intrinsified, the
        // vectors are boxed and GELU or softmax runs several times slower (benchmarks/results/jit-variance.md).
        IntVector scale = ((IntVector) t.reinterpretShape(BITS, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul((FloatVector) scale.reinterpretShape(S, 0));
    }

    static float exp(float x) {
        return (float) Math.exp(x);
    }

    /** Phi(x) = 0.5 erfc(|x| / sqrt 2), mirrored for x > 0; {@link GeluKernels} computes the same per lane. */
    static float normalCdf(float x) {
        float z = Math.abs(x) * INV_SQRT2;
        float t = 1f / (1f + 0.5f * z);
        float poly = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f
                + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
        float halfErfc = 0.5f * t * (float) Math.exp(-z * z + poly);
        return x > 0f ? 1f - halfErfc : halfErfc;
    }

    /** Sum of a[from..to), lanes accumulated in float, the lanes' total in double. */
    static double sum(float[] a, int from, int to) {
        FloatVector acc = FloatVector.zero(S);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, a, i));
        }
        double s = reduce(acc);
        for (; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    /** The lanes of v added (each lane already holds a partial sum of a few terms). */
    static double reduce(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    /** y[yOff..yOff+n) += alpha * x[xOff..xOff+n). */
    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = c(alpha);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
