package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LossResult;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Row gathers and scatters, pooling, the loss and the optimizers of the cpu backend against the
 * reference. Gathers are exact; scatter-adds and pooling are float sums of a few terms (1e-6
 * relative); the loss 1e-6; AdamW 1e-6 relative after three steps (float against double
 * arithmetic). Masked AdamW must leave unlisted parameters bit-identical.
 */
class CpuRowsLossOptimTest {
    private static final CpuBackend CPU = new CpuBackend(2);
    private final ReferenceBackend ref = new ReferenceBackend();

    @AfterAll
    static void close() {
        CPU.close();
    }

    @Test
    void gatherAndScatterAdd() {
        Rand r = new Rand(40);
        for (int d : new int[] {1, 3, 17, 64, 129, 384}) {
            int vocab = 50;
            Tensor table = r.uniform(ref, 1f, vocab, d);
            Indices ids = new Indices(r.ints(301, vocab)); // repeated ids
            assertArrayEquals(ref.gatherRows(table, ids).data(), CPU.gatherRows(table, ids).data(), "gather d=" + d);
            Tensor dy = r.uniform(ref, 1f, ids.length(), d);
            Tensor out0 = r.uniform(ref, 1f, vocab, d);
            Tensor out1 = ref.copy(out0);
            ref.scatterAddRows(dy, ids, out0, null);
            CPU.scatterAddRows(dy, ids, out1, null);
            Close.elementwise(out0.data(), out1.data(), 1e-6 * 10, "scatterAdd d=" + d);
            // Restricted to selected rows: rowMap sends most ids nowhere (-1).
            int[] map = new int[vocab];
            int[] selected = r.subset(vocab, 0.3);
            java.util.Arrays.fill(map, -1);
            for (int i = 0; i < selected.length; i++) {
                map[selected[i]] = i;
            }
            Tensor sel0 = r.uniform(ref, 1f, selected.length, d);
            Tensor sel1 = ref.copy(sel0);
            ref.scatterAddRows(dy, ids, sel0, new Indices(map));
            CPU.scatterAddRows(dy, ids, sel1, new Indices(map));
            Close.elementwise(sel0.data(), sel1.data(), 1e-6 * 10, "scatterAdd rowMap d=" + d);
        }
        assertThrows(IllegalArgumentException.class, () -> CPU.gatherRows(Tensor.host(new float[4], 2, 2), Indices.of(2)));
    }

    /** Prefix tuning's row op: the forward and the rows' gradient are copies (exact), the prefix's a sum. */
    @Test
    void prependRowsForwardAndBackward() {
        Rand r = new Rand(46);
        int[][] shapes = {{1, 1, 1, 1}, {3, 2, 5, 7}, {5, 16, 33, 384}, {7, 3, 1, 17}, {2, 1, 129, 3}, {33, 16, 9, 1}};
        for (int[] s : shapes) {
            int batch = s[0], n = s[1], t = s[2], d = s[3];
            String what = "prependRows batch " + batch + " n " + n + " t " + t + " d " + d;
            Tensor prefix = r.uniform(ref, 1f, n, d);
            Tensor x = r.uniform(ref, 1f, batch * t, d);
            Tensor out = CPU.prependRows(prefix, x, batch);
            assertArrayEquals(new int[] {batch * (n + t), d}, out.shape(), what);
            assertArrayEquals(ref.prependRows(prefix, x, batch).data(), out.data(), what);
            Tensor dOut = r.uniform(ref, 1f, batch * (n + t), d);
            var expected = ref.prependRowsBackward(dOut, n, batch, true, true);
            var actual = CPU.prependRowsBackward(dOut, n, batch, true, true);
            Close.elementwise(expected.dPrefix().data(), actual.dPrefix().data(), 1e-6 * batch, what + " dPrefix");
            assertArrayEquals(expected.dRows().data(), actual.dRows().data(), what + " dRows");
            assertArrayEquals(new int[] {n, d}, actual.dPrefix().shape());
            assertArrayEquals(new int[] {batch * t, d}, actual.dRows().shape());
            assertEquals(null, CPU.prependRowsBackward(dOut, n, batch, false, true).dPrefix());
            assertEquals(null, CPU.prependRowsBackward(dOut, n, batch, true, false).dRows());
        }
        assertThrows(IllegalArgumentException.class,
                () -> CPU.prependRows(Tensor.host(new float[6], 2, 3), Tensor.host(new float[8], 2, 4), 1));
        assertThrows(IllegalArgumentException.class,
                () -> CPU.prependRowsBackward(Tensor.host(new float[6], 3, 2), 4, 1, true, true));
    }

    @Test
    void maskedMeanPool() {
        Rand r = new Rand(41);
        int[][] shapes = {{1, 1, 1}, {3, 17, 31}, {5, 33, 384}, {2, 129, 17}};
        for (int[] s : shapes) {
            int batch = s[0], t = s[1], d = s[2];
            Tensor h = r.uniform(ref, 1f, batch * t, d);
            Tensor mask = r.paddingMask(ref, batch, t);
            if (batch > 2) {
                java.util.Arrays.fill(mask.data(), 0, t, 0f); // an empty sequence pools to zero
            }
            Close.elementwise(ref.maskedMeanPool(h, mask, batch).data(), CPU.maskedMeanPool(h, mask, batch).data(),
                    1e-6, "meanPool " + batch + "x" + t + "x" + d);
            Tensor dy = r.uniform(ref, 1f, batch, d);
            Close.elementwise(ref.maskedMeanPoolBackward(dy, mask, batch).data(),
                    CPU.maskedMeanPoolBackward(dy, mask, batch).data(), 1e-6, "meanPoolBackward");
        }
    }

    @Test
    void crossEntropy() {
        Rand r = new Rand(42);
        for (int[] s : new int[][] {{1, 1}, {1, 2}, {7, 3}, {32, 77}, {129, 17}}) {
            int n = s[0], c = s[1];
            Tensor logits = r.uniform(ref, 5f, n, c);
            Indices labels = new Indices(r.ints(n, c));
            LossResult l0 = ref.crossEntropy(logits, labels);
            LossResult l1 = CPU.crossEntropy(logits, labels);
            Close.elementwise(l0.loss().data(), l1.loss().data(), 1e-6, "loss " + n + "x" + c);
            Close.elementwise(l0.probs().data(), l1.probs().data(), 1e-6, "probs " + n + "x" + c);
            Close.elementwise(ref.crossEntropyBackward(l0.probs(), labels, 1f / n).data(),
                    CPU.crossEntropyBackward(l0.probs(), labels, 1f / n).data(), 1e-6, "loss gradient");
        }
        assertThrows(IllegalArgumentException.class,
                () -> CPU.crossEntropy(Tensor.host(new float[4], 2, 2), Indices.of(0, 2)));
    }

    @Test
    void adamWDense() {
        Rand r = new Rand(43);
        for (int n : new int[] {1, 17, 1037, 40000}) {
            Tensor p0 = r.uniform(ref, 1f, n);
            Tensor p1 = ref.copy(p0);
            Tensor m0 = ref.zeros(n), v0 = ref.zeros(n), m1 = ref.zeros(n), v1 = ref.zeros(n);
            for (int t = 1; t <= 3; t++) {
                Tensor g = r.uniform(ref, 1f, n);
                AdamWStep s = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, t);
                ref.adamW(p0, g, m0, v0, s);
                CPU.adamW(p1, g, m1, v1, s);
            }
            Close.elementwise(p0.data(), p1.data(), 1e-6, "adamW p " + n);
            Close.elementwise(m0.data(), m1.data(), 1e-6, "adamW m " + n);
            Close.elementwise(v0.data(), v1.data(), 1e-6, "adamW v " + n);
        }
    }

    /** Sorted indices of random whole rows, plus single entries of the other rows when asked. */
    private static int[] rowsWithStragglers(Rand r, int rows, int cols, boolean stragglers) {
        java.util.TreeSet<Integer> picked = new java.util.TreeSet<>();
        int[] chosenRows = r.subset(rows, 0.3);
        for (int row : chosenRows) {
            for (int c = 0; c < cols; c++) {
                picked.add(row * cols + c);
            }
        }
        if (stragglers) {
            for (int i : r.subset(rows * cols, 0.05)) {
                picked.add(i);
            }
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void adamWMaskedTouchesOnlyListedEntries() {
        Rand r = new Rand(44);
        for (int n : new int[] {1, 31, 1037, 50000, -1, -2}) {
            // Negative n: whole rows of a 61 x 37 matrix (runs of consecutive entries, as a row mask
            // lists them), alone or mixed with scattered entries.
            int[] idx = n >= 0 ? r.subset(n, 0.1) : rowsWithStragglers(r, 61, 37, n == -2);
            n = n >= 0 ? n : 61 * 37;
            // Gradient stored densely for the whole tensor and addressed by gradIdx, or compactly.
            for (boolean compact : new boolean[] {true, false}) {
                Tensor p0 = r.uniform(ref, 1f, n);
                Tensor p1 = ref.copy(p0);
                float[] before = p1.data().clone();
                Tensor g = compact ? r.uniform(ref, 1f, idx.length) : r.uniform(ref, 1f, n);
                Indices gradIdx = compact ? null : new Indices(idx);
                Tensor m0 = ref.zeros(idx.length), v0 = ref.zeros(idx.length);
                Tensor m1 = ref.zeros(idx.length), v1 = ref.zeros(idx.length);
                for (int t = 1; t <= 2; t++) {
                    AdamWStep s = new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f, t);
                    ref.maskedAdamW(p0, new Indices(idx), g, gradIdx, m0, v0, s);
                    CPU.maskedAdamW(p1, new Indices(idx), g, gradIdx, m1, v1, s);
                }
                Close.elementwise(p0.data(), p1.data(), 1e-6, "maskedAdamW p " + n);
                Close.elementwise(m0.data(), m1.data(), 1e-6, "maskedAdamW m " + n);
                java.util.BitSet listed = new java.util.BitSet(n);
                for (int i : idx) {
                    listed.set(i);
                }
                for (int i = 0; i < n; i++) {
                    if (!listed.get(i)) {
                        assertEquals(Float.floatToRawIntBits(before[i]), Float.floatToRawIntBits(p1.data()[i]),
                                "unlisted entry " + i + " changed");
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> CPU.maskedAdamW(Tensor.host(new float[4], 4), Indices.of(1),
                Tensor.host(new float[2], 2), null, Tensor.host(new float[1], 1), Tensor.host(new float[1], 1),
                new AdamWStep(1e-2f, 0.9f, 0.999f, 1e-8f, 0f, 1)));
    }
}
