package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * LayerNorm and softmax of the cpu backend against the reference. Row statistics are float sums of
 * d terms (d up to 1537 here), so outputs are compared at 1e-5 relative; the LayerNorm parameter
 * gradients, sums over n rows, at 1e-5 of the summed terms' magnitude.
 */
class CpuNormSoftmaxTest {
    private static final CpuBackend CPU = new CpuBackend(2);
    private final ReferenceBackend ref = new ReferenceBackend();
    private static final int[][] SHAPES = {{1, 1}, {1, 17}, {3, 16}, {17, 31}, {129, 33}, {300, 384}, {65, 1537}};

    @AfterAll
    static void close() {
        CPU.close();
    }

    @Test
    void layerNormForwardAndBackward() {
        Rand r = new Rand(20);
        for (int[] s : SHAPES) {
            int n = s[0], d = s[1];
            Tensor x = r.uniform(ref, 3f, n, d);
            // A row with a large mean against its spread: the two-pass variance must hold up.
            for (int j = 0; j < d; j++) {
                x.data()[j] += 100f;
            }
            Tensor g = r.uniform(ref, 1f, d);
            Tensor b = r.uniform(ref, 1f, d);
            String what = "layerNorm " + n + "x" + d;
            LayerNormResult lr = ref.layerNorm(x, g, b, 1e-12f);
            LayerNormResult lc = CPU.layerNorm(x, g, b, 1e-12f);
            if (d > 1) {
                Close.elementwise(lr.y().data(), lc.y().data(), 1e-5, what + " y");
                Close.elementwise(lr.rstd().data(), lc.rstd().data(), 1e-5, what + " rstd");
            }
            Close.elementwise(lr.mean().data(), lc.mean().data(), 1e-6, what + " mean");
            Tensor dy = r.uniform(ref, 1f, n, d);
            Tensor dg0 = r.uniform(ref, 1f, d);
            Tensor db0 = r.uniform(ref, 1f, d);
            Tensor dg1 = ref.copy(dg0);
            Tensor db1 = ref.copy(db0);
            Tensor dx0 = ref.layerNormBackward(dy, x, g, lr, dg0, db0, true);
            Tensor dx1 = CPU.layerNormBackward(dy, x, g, lr, dg1, db1, true);
            Close.elementwise(dx0.data(), dx1.data(), 1e-5 * Math.max(1, lr.rstd().data()[0]), what + " dx");
            float[] magG = magnitudeOverRows(dy, 3f * Math.max(1f, lr.rstd().data()[0]), d);
            float[] magB = magnitudeOverRows(dy, 1f, d);
            Close.scaled(dg0.data(), dg1.data(), magG, 1e-5, what + " dGamma");
            Close.scaled(db0.data(), db1.data(), magB, 1e-5, what + " dBeta");
            assertNull(CPU.layerNormBackward(dy, x, g, lr, null, null, false));
        }
    }

    /** 1 + bound * sum_i |dy[i, j]|: the size of a column sum of dy times a factor bounded by bound. */
    private static float[] magnitudeOverRows(Tensor dy, float bound, int d) {
        float[] m = new float[d];
        float[] v = dy.data();
        for (int i = 0; i < v.length; i++) {
            m[i % d] += Math.abs(v[i]) * bound;
        }
        for (int j = 0; j < d; j++) {
            m[j] += 1f;
        }
        return m;
    }

    @Test
    void softmaxForwardAndBackward() {
        Rand r = new Rand(21);
        for (int[] s : SHAPES) {
            int n = s[0], d = s[1];
            Tensor x = r.uniform(ref, 8f, n, d);
            Tensor y0 = ref.softmax(x);
            Tensor y1 = CPU.softmax(x);
            Close.elementwise(y0.data(), y1.data(), 1e-6, "softmax " + n + "x" + d);
            Tensor dy = r.uniform(ref, 1f, n, d);
            Close.elementwise(ref.softmaxBackward(y0, dy).data(), CPU.softmaxBackward(y0, dy).data(), 1e-6,
                    "softmaxBackward " + n + "x" + d);
        }
    }
}
