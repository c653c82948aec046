package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaTesting.close;
import static dev.clm4j.tensor.cuda.CudaTesting.identical;
import static dev.clm4j.tensor.cuda.CudaTesting.up;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LossResult;
import dev.clm4j.tensor.PrependRowsGrads;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Embedding gather and scatter-add, masked mean pooling, prefix rows, cross-entropy and AdamW
 * (dense and masked) of the CUDA backend against the reference. Gathers and row copies are exact; sums 1e-5 (scatter-add uses
 * atomics, so its order varies); AdamW follows the reference's double arithmetic step by step and
 * is held to 1e-6, and entries outside a mask must stay bit-identical.
 */
class CudaRowsLossOptimizerTest {
    private final Backend ref = new ReferenceBackend();
    private CudaBackend cuda;

    @BeforeEach
    void cuda() {
        cuda = CudaTesting.cudaOrSkip();
    }

    @Test
    void gatherRowsIsExactAndCachesTheIndexUpload() {
        Rand r = new Rand(40);
        for (int d : new int[] {1, 33, 384}) {
            Tensor table = r.uniform(ref, 1f, 1000, d);
            Tensor ct = up(cuda, table);
            for (int n : new int[] {1, 17, 300}) {
                Indices ids = new Indices(r.ints(n, 1000));
                identical(ref.gatherRows(table, ids).data(), cuda.download(cuda.gatherRows(ct, ids)), "gather " + n + "x" + d);
                Object cached = ids.deviceCopy();
                assertTrue(cached instanceof DeviceIndices, "device copy cached");
                cuda.gatherRows(ct, ids);
                assertSame(cached, ids.deviceCopy(), "uploaded once");
            }
        }
        Tensor table = cuda.zeros(10, 4);
        assertThrows(IllegalArgumentException.class, () -> cuda.gatherRows(table, Indices.of(3, 10)));
        assertThrows(IllegalArgumentException.class, () -> cuda.gatherRows(table, Indices.of(-1)));
    }

    @Test
    void scatterAddRowsDenseAndThroughARowMap() {
        Rand r = new Rand(41);
        for (int d : new int[] {1, 33, 384}) {
            int vocab = 200;
            int n = 301;
            Tensor dy = r.uniform(ref, 1f, n, d);
            Indices ids = new Indices(r.ints(n, vocab / 4));  // many repeats: atomics collide
            Tensor o0 = r.uniform(ref, 1f, vocab, d);
            Tensor o1 = up(cuda, o0);
            Tensor cdy = up(cuda, dy);
            ref.scatterAddRows(dy, ids, o0, null);
            cuda.scatterAddRows(cdy, ids, o1, null);
            close(o0, cuda.download(o1), 1e-5, "scatterAdd dense d " + d);

            int[] map = new int[vocab];
            int slots = 0;
            for (int i = 0; i < vocab; i++) {
                map[i] = r.nextInt(3) == 0 ? slots++ : -1;
            }
            Indices rowMap = new Indices(map);
            Tensor s0 = r.uniform(ref, 1f, Math.max(slots, 1), d);
            Tensor s1 = up(cuda, s0);
            ref.scatterAddRows(dy, ids, s0, rowMap);
            cuda.scatterAddRows(cdy, ids, s1, rowMap);
            close(s0, cuda.download(s1), 1e-5, "scatterAdd row map d " + d);
        }
        Tensor out = cuda.zeros(5, 2);
        assertThrows(IllegalArgumentException.class, () -> cuda.scatterAddRows(cuda.zeros(1, 2), Indices.of(5), out, null));
        assertThrows(IllegalArgumentException.class,
                () -> cuda.scatterAddRows(cuda.zeros(1, 2), Indices.of(0), out, Indices.of(7)));
    }

    @Test
    void maskedMeanPoolForwardAndBackward() {
        Rand r = new Rand(42);
        int[][] shapes = {{1, 1, 1}, {3, 17, 33}, {8, 33, 384}, {2, 129, 3}};
        for (int[] s : shapes) {
            int batch = s[0];
            int t = s[1];
            int d = s[2];
            Tensor h = r.uniform(ref, 1f, batch * t, d);
            Tensor mask = r.paddingMask(ref, batch, t);
            if (batch > 2) {
                for (int i = 0; i < t; i++) {
                    mask.data()[2 * t + i] = 0f;  // a sequence with no real token pools to zero
                }
            }
            Tensor cm = up(cuda, mask);
            String what = "pool " + batch + "x" + t + "x" + d;
            close(ref.maskedMeanPool(h, mask, batch), cuda.download(cuda.maskedMeanPool(up(cuda, h), cm, batch)), 1e-5,
                    what);
            Tensor dy = r.uniform(ref, 1f, batch, d);
            close(ref.maskedMeanPoolBackward(dy, mask, batch),
                    cuda.download(cuda.maskedMeanPoolBackward(up(cuda, dy), cm, batch)), 1e-6, what + " backward");
        }
    }

    /**
     * Prefix tuning's row op: the forward and the rows' gradient are copies (bit-identical), the
     * prefix's gradient a sum over the sequences (1e-5); also as the key mask (d = 1).
     */
    @Test
    void prependRowsForwardAndBackward() {
        Rand r = new Rand(46);
        int[][] shapes = {{1, 1, 1, 1}, {3, 2, 5, 7}, {32, 16, 33, 384}, {7, 3, 1, 17}, {2, 1, 129, 3}, {33, 16, 9, 1}};
        for (int[] s : shapes) {
            int batch = s[0];
            int n = s[1];
            int t = s[2];
            int d = s[3];
            String what = "prependRows batch " + batch + " n " + n + " t " + t + " d " + d;
            Tensor prefix = r.uniform(ref, 1f, n, d);
            Tensor x = r.uniform(ref, 1f, batch * t, d);
            Tensor out = cuda.prependRows(up(cuda, prefix), up(cuda, x), batch);
            assertArrayEquals(new int[] {batch * (n + t), d}, out.shape(), what);
            identical(ref.prependRows(prefix, x, batch).data(), cuda.download(out), what);
            Tensor dOut = r.uniform(ref, 1f, batch * (n + t), d);
            PrependRowsGrads expected = ref.prependRowsBackward(dOut, n, batch, true, true);
            PrependRowsGrads actual = cuda.prependRowsBackward(up(cuda, dOut), n, batch, true, true);
            close(expected.dPrefix(), cuda.download(actual.dPrefix()), 1e-5 * Math.sqrt(batch), what + " dPrefix");
            identical(expected.dRows().data(), cuda.download(actual.dRows()), what + " dRows");
            assertNull(cuda.prependRowsBackward(up(cuda, dOut), n, batch, false, true).dPrefix(), what);
            assertNull(cuda.prependRowsBackward(up(cuda, dOut), n, batch, true, false).dRows(), what);
        }
        assertThrows(IllegalArgumentException.class, () -> cuda.prependRows(cuda.zeros(2, 3), cuda.zeros(2, 4), 1));
        assertThrows(IllegalArgumentException.class, () -> cuda.prependRowsBackward(cuda.zeros(3, 2), 4, 1, true, true));
    }

    @Test
    void crossEntropyForwardAndBackward() {
        Rand r = new Rand(43);
        int[][] shapes = {{1, 1}, {1, 2}, {7, 3}, {300, 2}, {33, 129}, {4, 1000}};
        for (int[] s : shapes) {
            int n = s[0];
            int c = s[1];
            Tensor logits = r.uniform(ref, 4f, n, c);
            Indices labels = new Indices(r.ints(n, c));
            LossResult l0 = ref.crossEntropy(logits, labels);
            LossResult l1 = cuda.crossEntropy(up(cuda, logits), labels);
            String what = "crossEntropy " + n + "x" + c;
            close(l0.loss(), cuda.download(l1.loss()), 1e-5, what + " loss");
            close(l0.probs(), cuda.download(l1.probs()), 1e-5, what + " probs");
            float scale = 1f / n;
            close(ref.crossEntropyBackward(l0.probs(), labels, scale),
                    cuda.download(cuda.crossEntropyBackward(l1.probs(), labels, scale)), 1e-5, what + " backward");
        }
        assertThrows(IllegalArgumentException.class, () -> cuda.crossEntropy(cuda.zeros(2, 3), Indices.of(0, 3)));
    }

    @Test
    void adamWDenseMatchesOverSteps() {
        Rand r = new Rand(44);
        for (int n : new int[] {1, 17, 1037, 100_003}) {
            Tensor p0 = r.uniform(ref, 1f, n);
            Tensor p1 = up(cuda, p0);
            Tensor m0 = ref.zeros(n);
            Tensor v0 = ref.zeros(n);
            Tensor m1 = cuda.zeros(n);
            Tensor v1 = cuda.zeros(n);
            for (int t = 1; t <= 3; t++) {
                Tensor g = r.uniform(ref, 1f, n);
                AdamWStep s = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, t);
                ref.adamW(p0, g, m0, v0, s);
                cuda.adamW(p1, up(cuda, g), m1, v1, s);
            }
            close(p0, cuda.download(p1), 1e-6, "adamW p " + n);
            close(m0, cuda.download(m1), 1e-6, "adamW m " + n);
            close(v0, cuda.download(v1), 1e-6, "adamW v " + n);
        }
    }

    @Test
    void maskedAdamWTouchesOnlyTheMask() {
        Rand r = new Rand(45);
        int n = 100_003;
        int[] idx = r.subset(n, 0.1);
        Indices paramIdx = new Indices(idx);
        Tensor p0 = r.uniform(ref, 1f, n);
        Tensor p1 = up(cuda, p0);
        float[] before = p0.data().clone();
        Tensor m0 = ref.zeros(idx.length);
        Tensor v0 = ref.zeros(idx.length);
        Tensor m1 = cuda.zeros(idx.length);
        Tensor v1 = cuda.zeros(idx.length);
        for (int t = 1; t <= 3; t++) {
            AdamWStep s = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, t);
            if (t % 2 == 1) {  // compact gradient, one entry per masked parameter
                Tensor g = r.uniform(ref, 1f, idx.length);
                ref.maskedAdamW(p0, paramIdx, g, null, m0, v0, s);
                cuda.maskedAdamW(p1, paramIdx, up(cuda, g), null, m1, v1, s);
            } else {  // dense gradient read through gradIdx
                Tensor g = r.uniform(ref, 1f, n);
                ref.maskedAdamW(p0, paramIdx, g, paramIdx, m0, v0, s);
                cuda.maskedAdamW(p1, paramIdx, up(cuda, g), paramIdx, m1, v1, s);
            }
        }
        float[] after = cuda.download(p1);
        close(p0.data(), after, 1e-6, "maskedAdamW p");
        close(m0, cuda.download(m1), 1e-6, "maskedAdamW m");
        close(v0, cuda.download(v1), 1e-6, "maskedAdamW v");
        Set<Integer> masked = new HashSet<>();
        for (int i : idx) {
            masked.add(i);
        }
        for (int i = 0; i < n; i++) {
            if (!masked.contains(i) && Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i])) {
                throw new AssertionError("entry " + i + " outside the mask changed: " + before[i] + " -> " + after[i]);
            }
        }
        AdamWStep s = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        assertThrows(IllegalArgumentException.class,
                () -> cuda.maskedAdamW(cuda.zeros(4), Indices.of(4), cuda.zeros(1), null, cuda.zeros(1), cuda.zeros(1), s));
    }
}
