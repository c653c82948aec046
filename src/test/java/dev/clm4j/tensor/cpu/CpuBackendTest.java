package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Every op of the cpu backend against the reference backend on random shapes with odd sizes (not
 * multiples of the vector width or of the GEMM tiles). Tolerance: |cpu - ref| <= 1e-5 * (1 + |ref|)
 * per entry, times sqrt(length of the sum) for reductions; the reference sums in double, the cpu
 * backend in float.
 */
class CpuBackendTest {
    private static final CpuBackend CPU = new CpuBackend(2);
    private final Backend ref = new ReferenceBackend();

    @AfterAll
    static void close() {
        CPU.close();
    }

    private static void close(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            if (err > tol * (1 + Math.abs(expected[i]))) {
                throw new AssertionError(what + ": entry " + i + " expected " + expected[i] + " got " + actual[i]);
            }
        }
    }

    private static final int[] ODD = {1, 3, 17, 31, 33, 129};

    @RepeatedTest(12)
    void matmulAllTransposesAndBetas(RepetitionInfo info) {
        Rand r = new Rand(info.getCurrentRepetition());
        int m = info.getCurrentRepetition() <= 2 ? 384 : ODD[r.nextInt(ODD.length)] + r.nextInt(40);
        int k = ODD[r.nextInt(ODD.length)] + r.nextInt(300);
        int n = ODD[r.nextInt(ODD.length)] + r.nextInt(70);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? r.uniform(ref, 1f, k, m) : r.uniform(ref, 1f, m, k);
                Tensor b = tb ? r.uniform(ref, 1f, n, k) : r.uniform(ref, 1f, k, n);
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    Tensor c0 = r.uniform(ref, 1f, m, n);
                    Tensor c1 = ref.copy(c0);
                    ref.matmulInto(a, ta, b, tb, c0, beta);
                    CPU.matmulInto(a, ta, b, tb, c1, beta);
                    close(c0.data(), c1.data(), 1e-5 * Math.sqrt(k), "matmul " + m + "x" + k + "x" + n + " " + ta + tb + beta);
                }
            }
        }
    }

    @Test
    void rowGradient() {
        Rand r = new Rand(5);
        Tensor dy = r.uniform(ref, 1f, 67, 129);
        Tensor x = r.uniform(ref, 1f, 67, 45);
        Indices rows = new Indices(r.subset(129, 0.2));
        Tensor o0 = r.uniform(ref, 1f, rows.length(), 45);
        Tensor o1 = ref.copy(o0);
        ref.rowGradInto(dy, x, rows, o0, 1f);
        CPU.rowGradInto(dy, x, rows, o1, 1f);
        close(o0.data(), o1.data(), 1e-4, "rowGrad");
    }

    @Test
    void elementwise() {
        Rand r = new Rand(6);
        for (int n : new int[] {1, 15, 17, 1000, 70001}) {
            Tensor a = r.uniform(ref, 4f, n);
            Tensor b = r.uniform(ref, 4f, n);
            close(ref.add(a, b).data(), CPU.add(a, b).data(), 1e-6, "add");
            close(ref.gelu(a).data(), CPU.gelu(a).data(), 2e-6, "gelu");
            close(ref.geluBackward(a, b).data(), CPU.geluBackward(a, b).data(), 2e-6, "geluBackward");
            Tensor acc0 = ref.copy(a);
            Tensor acc1 = ref.copy(a);
            ref.addInto(acc0, b);
            CPU.addInto(acc1, b);
            close(acc0.data(), acc1.data(), 1e-6, "addInto");
            ref.scaleInPlace(acc0, 0.3f);
            CPU.scaleInPlace(acc1, 0.3f);
            close(acc0.data(), acc1.data(), 1e-6, "scale");
        }
    }

    @Test
    void biasAddAndGradient() {
        Rand r = new Rand(7);
        Tensor x = r.uniform(ref, 1f, 37, 33);
        Tensor bias = r.uniform(ref, 1f, 33);
        close(ref.addBias(x, bias).data(), CPU.addBias(x, bias).data(), 1e-6, "addBias");
        Tensor g0 = r.uniform(ref, 1f, 33);
        Tensor g1 = ref.copy(g0);
        ref.biasGradInto(x, g0, 1f);
        CPU.biasGradInto(x, g1, 1f);
        close(g0.data(), g1.data(), 1e-5 * 7, "biasGrad");
    }

    @RepeatedTest(3)
    void layerNorm(RepetitionInfo info) {
        Rand r = new Rand(80 + info.getCurrentRepetition());
        int n = r.between(1, 300);
        int d = ODD[r.nextInt(ODD.length)] + 2;
        Tensor x = r.uniform(ref, 3f, n, d);
        Tensor g = r.uniform(ref, 1f, d);
        Tensor b = r.uniform(ref, 1f, d);
        LayerNormResult lr = ref.layerNorm(x, g, b, 1e-12f);
        LayerNormResult lc = CPU.layerNorm(x, g, b, 1e-12f);
        close(lr.y().data(), lc.y().data(), 1e-5, "layerNorm y");
        close(lr.rstd().data(), lc.rstd().data(), 1e-5, "layerNorm rstd");
        Tensor dy = r.uniform(ref, 1f, n, d);
        Tensor dg0 = ref.zeros(d);
        Tensor db0 = ref.zeros(d);
        Tensor dg1 = ref.zeros(d);
        Tensor db1 = ref.zeros(d);
        Tensor dx0 = ref.layerNormBackward(dy, x, g, lr, dg0, db0, true);
        Tensor dx1 = CPU.layerNormBackward(dy, x, g, lc, dg1, db1, true);
        close(dx0.data(), dx1.data(), 1e-4, "layerNorm dx");
        close(dg0.data(), dg1.data(), 1e-4 * Math.sqrt(n), "layerNorm dgamma");
        close(db0.data(), db1.data(), 1e-4 * Math.sqrt(n), "layerNorm dbeta");
    }

    @RepeatedTest(4)
    void attentionForwardAndBackward(RepetitionInfo info) {
        Rand r = new Rand(90 + info.getCurrentRepetition());
        int batch = r.between(1, 4);
        int t = ODD[r.nextInt(4)] + r.nextInt(5);
        int heads = r.between(1, 4);
        int dh = ODD[r.nextInt(4)];
        Tensor mask = r.paddingMask(ref, batch, t);
        Tensor q = r.uniform(ref, 1f, batch * t, heads * dh);
        Tensor k = r.uniform(ref, 1f, batch * t, heads * dh);
        Tensor v = r.uniform(ref, 1f, batch * t, heads * dh);
        AttentionResult a0 = ref.attention(q, k, v, mask, batch, heads);
        AttentionResult a1 = CPU.attention(q, k, v, mask, batch, heads);
        close(a0.probs().data(), a1.probs().data(), 1e-5, "attention probs");
        close(a0.out().data(), a1.out().data(), 1e-5, "attention out");
        Tensor dOut = r.uniform(ref, 1f, batch * t, heads * dh);
        AttentionGrads g0 = ref.attentionBackward(dOut, q, k, v, a0.probs(), batch, heads);
        AttentionGrads g1 = CPU.attentionBackward(dOut, q, k, v, a1.probs(), batch, heads);
        close(g0.dq().data(), g1.dq().data(), 1e-4, "attention dq");
        close(g0.dk().data(), g1.dk().data(), 1e-4, "attention dk");
        close(g0.dv().data(), g1.dv().data(), 1e-4, "attention dv");
    }

    @Test
    void adamWDenseAndMasked() {
        Rand r = new Rand(11);
        int n = 1037;
        Tensor p0 = r.uniform(ref, 1f, n);
        Tensor p1 = ref.copy(p0);
        Tensor g = r.uniform(ref, 1f, n);
        Tensor m0 = ref.zeros(n);
        Tensor v0 = ref.zeros(n);
        Tensor m1 = ref.zeros(n);
        Tensor v1 = ref.zeros(n);
        for (int t = 1; t <= 3; t++) {
            AdamWStep s = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, t);
            ref.adamW(p0, g, m0, v0, s);
            CPU.adamW(p1, g, m1, v1, s);
        }
        close(p0.data(), p1.data(), 1e-5, "adamW");
        int[] idx = r.subset(n, 0.1);
        Tensor q0 = r.uniform(ref, 1f, n);
        Tensor q1 = ref.copy(q0);
        float[] before = q1.data().clone();
        Tensor gc = r.uniform(ref, 1f, idx.length);
        Tensor mm0 = ref.zeros(idx.length);
        Tensor vv0 = ref.zeros(idx.length);
        Tensor mm1 = ref.zeros(idx.length);
        Tensor vv1 = ref.zeros(idx.length);
        AdamWStep s = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        ref.maskedAdamW(q0, new Indices(idx), gc, null, mm0, vv0, s);
        CPU.maskedAdamW(q1, new Indices(idx), gc, null, mm1, vv1, s);
        close(q0.data(), q1.data(), 1e-5, "maskedAdamW");
        java.util.Set<Integer> in = new java.util.HashSet<>();
        for (int i : idx) {
            in.add(i);
        }
        for (int i = 0; i < n; i++) {
            if (!in.contains(i)) {
                assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(q1.data()[i]), "entry " + i);
            }
        }
        assertTrue(idx.length > 0);
        assertArrayEquals(mm0.data(), mm1.data(), 1e-6f);
    }
}
