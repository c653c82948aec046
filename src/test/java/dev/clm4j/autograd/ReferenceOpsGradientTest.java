package dev.clm4j.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.PrependRowsGrads;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of every differentiable op of the reference backend, on random shapes
 * with odd sizes. Tolerances: eps 1e-2 (central differences, error O(eps^2) for these smooth ops),
 * and |analytic - numeric| <= 2e-3 + 2e-2 * max(|analytic|, |numeric|), which covers float32
 * rounding of the forward values divided by 2 eps.
 */
class ReferenceOpsGradientTest {
    private static final double EPS = 1e-2;
    private static final double ATOL = 2e-3;
    private static final double RTOL = 2e-2;

    private final Backend b = new ReferenceBackend();

    private GradCheck checker(long seed) {
        return new GradCheck(b, EPS, ATOL, RTOL, 60, seed);
    }

    private static Var param(Tensor t) {
        return new Var(t, true);
    }

    @RepeatedTest(3)
    void linear(RepetitionInfo info) {
        Rand r = new Rand(info.getCurrentRepetition());
        int n = r.between(1, 7);
        int in = r.between(1, 9);
        int out = r.between(1, 6);
        Var x = param(r.uniform(b, 1f, n, in));
        Var w = param(r.uniform(b, 1f, out, in));
        Var bias = param(r.uniform(b, 1f, out));
        checker(1).check(ops -> ops.linear(x, w, bias), List.of(x, w, bias));
    }

    @Test
    void matmulAllTransposes() {
        Rand r = new Rand(11);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int m = r.between(1, 5);
                int k = r.between(1, 7);
                int n = r.between(1, 5);
                Var a = param(ta ? r.uniform(b, 1f, k, m) : r.uniform(b, 1f, m, k));
                Var c = param(tb ? r.uniform(b, 1f, n, k) : r.uniform(b, 1f, k, n));
                checker(2).check(ops -> ops.matmul(a, ta, c, tb), List.of(a, c));
            }
        }
    }

    @Test
    void addScaleGelu() {
        Rand r = new Rand(3);
        Var a = param(r.uniform(b, 3f, 5, 7));
        Var c = param(r.uniform(b, 3f, 5, 7));
        checker(3).check(ops -> ops.gelu(ops.scale(ops.add(a, c), 0.7f)), List.of(a, c));
    }

    @Test
    void softmax() {
        Rand r = new Rand(4);
        Var x = param(r.uniform(b, 2f, 3, 11));
        checker(4).check(ops -> ops.softmax(x), List.of(x));
    }

    @RepeatedTest(3)
    void layerNorm(RepetitionInfo info) {
        Rand r = new Rand(40 + info.getCurrentRepetition());
        int n = r.between(1, 6);
        int d = r.between(4, 13); // very short rows have tiny variance, where finite differences break down
        Var x = param(r.uniform(b, 2f, n, d));
        Var g = param(r.uniform(b, 1.5f, d));
        Var beta = param(r.uniform(b, 1f, d));
        checker(5).check(ops -> ops.layerNorm(x, g, beta, 1e-5f), List.of(x, g, beta));
    }

    @RepeatedTest(3)
    void attentionWithPadding(RepetitionInfo info) {
        Rand r = new Rand(50 + info.getCurrentRepetition());
        int batch = r.between(1, 3);
        int t = r.between(1, 5);
        int heads = r.between(1, 3);
        int dh = r.between(1, 4);
        Tensor mask = r.paddingMask(b, batch, t);
        Var q = param(r.uniform(b, 1.5f, batch * t, heads * dh));
        Var k = param(r.uniform(b, 1.5f, batch * t, heads * dh));
        Var v = param(r.uniform(b, 1.5f, batch * t, heads * dh));
        checker(6).check(ops -> ops.attention(q, k, v, mask, batch, heads), List.of(q, k, v));
    }

    /** Prefix tuning's keys: the same prefix rows in front of each sequence's rows. */
    @RepeatedTest(3)
    void prependRows(RepetitionInfo info) {
        Rand r = new Rand(70 + info.getCurrentRepetition());
        int batch = r.between(1, 4);
        int t = r.between(1, 5);
        int n = r.between(1, 4);
        int d = r.between(1, 5);
        Var prefix = param(r.uniform(b, 1f, n, d));
        Var x = param(r.uniform(b, 1f, batch * t, d));
        checker(8).check(ops -> ops.prependRows(prefix, x, batch), List.of(prefix, x));
        checker(9).check(ops -> ops.prependRows(prefix, Var.constant(x.value()), batch), List.of(prefix));
        checker(10).check(ops -> ops.prependRows(Var.constant(prefix.value()), x, batch), List.of(x));
        Tensor out = Ops.inference(b).prependRows(prefix, x, batch).value();
        assertArrayEquals(new int[] {batch * (n + t), d}, out.shape());
        for (int s = 0; s < batch; s++) {
            for (int i = 0; i < n + t; i++) {
                for (int c = 0; c < d; c++) {
                    float expected = i < n ? prefix.value().data()[i * d + c] : x.value().data()[(s * t + i - n) * d + c];
                    assertEquals(expected, out.data()[(s * (n + t) + i) * d + c], 0f);
                }
            }
        }
    }

    @Test
    void prependRowsBackwardGivesOnlyWhatIsAsked() {
        Rand r = new Rand(75);
        Tensor dOut = r.uniform(b, 1f, 3 * (2 + 4), 5);
        PrependRowsGrads both = b.prependRowsBackward(dOut, 2, 3, true, true);
        assertArrayEquals(new int[] {2, 5}, both.dPrefix().shape());
        assertArrayEquals(new int[] {12, 5}, both.dRows().shape());
        assertEquals(null, b.prependRowsBackward(dOut, 2, 3, false, true).dPrefix());
        assertEquals(null, b.prependRowsBackward(dOut, 2, 3, true, false).dRows());
        // dPrefix row 1, column 3: the sum of the three sequences' row 1.
        float[] g = dOut.data();
        assertEquals(g[1 * 5 + 3] + g[(6 + 1) * 5 + 3] + g[(12 + 1) * 5 + 3], both.dPrefix().data()[5 + 3], 1e-6);
        // dRows row 4 (sequence 1, own row 0) is dOut row 6 + 2.
        assertArrayEquals(java.util.Arrays.copyOfRange(g, 8 * 5, 9 * 5),
                java.util.Arrays.copyOfRange(both.dRows().data(), 4 * 5, 5 * 5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.prependRowsBackward(dOut, 7, 3, true, true));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.prependRows(r.uniform(b, 1f, 2, 4), r.uniform(b, 1f, 6, 5), 3));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.prependRows(r.uniform(b, 1f, 2, 5), r.uniform(b, 1f, 7, 5), 3));
    }

    /** Attention over prefix keys and values and padded sequence keys, end to end. */
    @RepeatedTest(2)
    void attentionWithPrefix(RepetitionInfo info) {
        Rand r = new Rand(80 + info.getCurrentRepetition());
        int batch = r.between(1, 3);
        int t = r.between(2, 5);
        int n = r.between(1, 3);
        int heads = 2;
        int dh = r.between(1, 3);
        Tensor mask = r.paddingMask(b, batch, t);
        float[] own = mask.data();
        float[] full = new float[batch * (n + t)];
        for (int s = 0; s < batch; s++) {
            java.util.Arrays.fill(full, s * (n + t), s * (n + t) + n, 1f);
            System.arraycopy(own, s * t, full, s * (n + t) + n, t);
        }
        Tensor fullMask = b.upload(full, batch, n + t);
        Var q = param(r.uniform(b, 1.5f, batch * t, heads * dh));
        Var k = param(r.uniform(b, 1.5f, batch * t, heads * dh));
        Var v = param(r.uniform(b, 1.5f, batch * t, heads * dh));
        Var pk = param(r.uniform(b, 1.5f, n, heads * dh));
        Var pv = param(r.uniform(b, 1.5f, n, heads * dh));
        checker(9).check(ops -> ops.attention(q, ops.prependRows(pk, k, batch), ops.prependRows(pv, v, batch), fullMask,
                batch, heads), List.of(q, k, v, pk, pv));
    }

    @Test
    void attentionIgnoresPaddedKeys() {
        Rand r = new Rand(7);
        int t = 4;
        float[] mask = {1, 1, 0, 0};
        Tensor q = r.uniform(b, 1f, t, 6);
        Tensor k = r.uniform(b, 1f, t, 6);
        Tensor v = r.uniform(b, 1f, t, 6);
        Tensor out1 = b.attention(q, k, v, b.upload(mask, 1, t), 1, 2).out();
        // Changing padded keys and values must not change any output.
        float[] kv = k.data();
        float[] vv = v.data();
        for (int j = 2 * 6; j < 4 * 6; j++) {
            kv[j] += 5f;
            vv[j] -= 3f;
        }
        Tensor out2 = b.attention(q, k, v, b.upload(mask, 1, t), 1, 2).out();
        assertArrayEquals(out1.data(), out2.data(), 0f);
    }

    @Test
    void gatherRowsDenseAndSelected() {
        Rand r = new Rand(8);
        Tensor tableValue = r.uniform(b, 1f, 9, 5);
        Indices ids = Indices.of(3, 0, 3, 8, 5, 5, 1);
        Var dense = param(tableValue);
        checker(8).check(ops -> ops.gatherRows(dense, ids), List.of(dense));
        Var selected = new Var(b.copy(tableValue), true) {
            private final GradRows rows = new GradRows(new int[] {0, 3, 7}, 9);

            @Override
            public GradRows gradRows() {
                return rows;
            }
        };
        checker(9).check(ops -> ops.gatherRows(selected, ids), List.of(selected));
        assertArrayEquals(new int[] {3, 5}, selected.grad().shape());
    }

    @Test
    void meanPoolWithPadding() {
        Rand r = new Rand(10);
        Tensor mask = r.paddingMask(b, 3, 5);
        Var h = param(r.uniform(b, 1f, 15, 4));
        checker(10).check(ops -> ops.meanPool(h, mask, 3), List.of(h));
    }

    @Test
    void crossEntropy() {
        Rand r = new Rand(12);
        Var logits = param(r.uniform(b, 3f, 6, 5));
        Indices labels = new Indices(r.ints(6, 5));
        checker(12).check(ops -> ops.crossEntropy(logits, labels), List.of(logits));
    }

    @Test
    void crossEntropyValueMatchesDefinition() {
        Tensor logits = b.upload(new float[] {1, 2, 3, 0, 0, 0}, 2, 3);
        float loss = b.crossEntropy(logits, Indices.of(2, 1)).loss().data()[0];
        double l0 = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
        double l1 = Math.log(3);
        assertEquals((l0 + l1) / 2, loss, 1e-6);
    }

    @Test
    void sparseRowGradientEqualsDenseRows() {
        Rand r = new Rand(13);
        for (int trial = 0; trial < 5; trial++) {
            int n = r.between(1, 9);
            int out = r.between(1, 11);
            int in = r.between(1, 7);
            Tensor dy = r.uniform(b, 1f, n, out);
            Tensor x = r.uniform(b, 1f, n, in);
            Tensor dense = b.matmul(dy, true, x, false);
            int[] rows = r.subset(out, 0.4);
            Tensor sparse = b.zeros(rows.length, in);
            b.rowGradInto(dy, x, new Indices(rows), sparse, 0f);
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < in; j++) {
                    assertEquals(dense.data()[rows[i] * in + j], sparse.data()[i * in + j], 1e-5f);
                }
            }
        }
    }

    @Test
    void maskedLinearGivesCompactGradientsOfSelectedRows() {
        Rand r = new Rand(14);
        Var x = param(r.uniform(b, 1f, 5, 6));
        GradRows rows = new GradRows(new int[] {1, 4}, 7);
        Var w = new Var(r.uniform(b, 1f, 7, 6), true) {
            @Override
            public GradRows gradRows() {
                return rows;
            }
        };
        Var bias = new Var(r.uniform(b, 1f, 7), true) {
            @Override
            public GradRows gradRows() {
                return rows;
            }
        };
        GradCheck.Result res = checker(14).check(ops -> ops.linear(x, w, bias), List.of(x, w, bias));
        assertArrayEquals(new int[] {2, 6}, w.grad().shape());
        assertArrayEquals(new int[] {2}, bias.grad().shape());
        assertTrue(res.checked() > 0);
    }

    @Test
    void frozenInputsGetNoGradientAndNothingIsRecorded() {
        Rand r = new Rand(15);
        Var x = Var.constant(r.uniform(b, 1f, 3, 4));
        Var w = Var.constant(r.uniform(b, 1f, 2, 4));
        Tape tape = new Tape();
        Ops ops = new Ops(b, tape);
        Var y = ops.gelu(ops.linear(x, w, null));
        assertEquals(0, tape.size());
        assertTrue(!y.requiresGrad());
    }
}
