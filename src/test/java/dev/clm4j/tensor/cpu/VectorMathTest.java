package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * VectorMath's lane functions against java.lang.Math and against their scalar twins (the kernels use
 * the vector form on whole vectors and the scalar form on the tail of a row, so both must agree).
 */
class VectorMathTest {
    private static final int L = VectorMath.L;

    @Test
    void expMatchesMathExpToAFewUlpsOverTheRangeSoftmaxAndGeluUse() {
        Random r = new Random(3);
        for (int round = 0; round < 2000; round++) {
            float[] x = new float[L];
            for (int i = 0; i < L; i++) {
                x[i] = -r.nextFloat() * 87f;
            }
            float[] e = VectorMath.exp(FloatVector.fromArray(VectorMath.S, x, 0)).toArray();
            for (int i = 0; i < L; i++) {
                double expected = Math.exp(x[i]);
                assertEquals(expected, e[i], 3e-7 * expected, "exp(" + x[i] + ")");
            }
        }
        float[] small = new float[L];
        java.util.Arrays.fill(small, -1000f);
        small[0] = Float.NEGATIVE_INFINITY;
        for (float v : VectorMath.exp(FloatVector.fromArray(VectorMath.S, small, 0)).toArray()) {
            assertTrue(v > 0f && v < 1.2e-38f, "exp clamps below -87.34 to about 1e-38, got " + v);
        }
        float[] zero = new float[L];
        for (float v : VectorMath.exp(FloatVector.fromArray(VectorMath.S, zero, 0)).toArray()) {
            assertEquals(1f, v);
        }
    }

    @Test
    void geluLanesAgreeWithTheScalarTailAndPhiIsSymmetric() {
        int n = 4 * L;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -7f + 14f * i / (n - 1);
        }
        float[] gelu = new float[n];
        GeluKernels.forward(x, gelu, 0, n); // whole vectors only: no scalar tail
        for (int i = 0; i < n; i++) {
            float scalar = x[i] * VectorMath.normalCdf(x[i]);
            assertEquals(scalar, gelu[i], 3e-7 * Math.abs(scalar) + 1e-37, "vector vs scalar x Phi(x) at " + x[i]);
            assertEquals(1.0, VectorMath.normalCdf(x[i]) + VectorMath.normalCdf(-x[i]), 2e-7, "Phi(x) + Phi(-x) at " + x[i]);
        }
        assertEquals(0.5f, VectorMath.normalCdf(0f), 1e-7f);
    }
}
