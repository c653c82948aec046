package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaTesting.close;
import static dev.clm4j.tensor.cuda.CudaTesting.up;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * LayerNorm, row softmax and multi-head attention of the CUDA backend against the reference, on
 * odd sizes. LayerNorm outputs and attention probabilities and outputs: 1e-5; their gradients:
 * 1e-4 (and 1e-4 * sqrt(rows) for the LayerNorm parameter gradients, which sum over rows).
 */
class CudaNormAttentionTest {
    private static final int[] ODD = {1, 3, 17, 33, 129, 384};

    private final Backend ref = new ReferenceBackend();
    private CudaBackend cuda;

    @BeforeEach
    void cuda() {
        cuda = CudaTesting.cudaOrSkip();
    }

    @Test
    void layerNormForwardAndBackward() {
        Rand r = new Rand(20);
        int[][] shapes = {{1, 3}, {7, 17}, {300, 33}, {129, 129}, {64, 384}, {5, 1000}};
        for (int[] s : shapes) {
            int n = s[0];
            int d = s[1];
            String what = "layerNorm " + n + "x" + d;
            Tensor x = r.uniform(ref, 3f, n, d);
            Tensor g = r.uniform(ref, 1f, d);
            Tensor b = r.uniform(ref, 1f, d);
            LayerNormResult lr = ref.layerNorm(x, g, b, 1e-12f);
            Tensor cx = up(cuda, x);
            Tensor cg = up(cuda, g);
            LayerNormResult lc = cuda.layerNorm(cx, cg, up(cuda, b), 1e-12f);
            close(lr.y(), cuda.download(lc.y()), 1e-5, what + " y");
            close(lr.mean(), cuda.download(lc.mean()), 1e-5, what + " mean");
            close(lr.rstd(), cuda.download(lc.rstd()), 1e-5, what + " rstd");

            Tensor dy = r.uniform(ref, 1f, n, d);
            Tensor dg0 = r.uniform(ref, 1f, d);  // gradients accumulate into what is there
            Tensor db0 = r.uniform(ref, 1f, d);
            Tensor dg1 = up(cuda, dg0);
            Tensor db1 = up(cuda, db0);
            Tensor dx0 = ref.layerNormBackward(dy, x, g, lr, dg0, db0, true);
            Tensor cdy = up(cuda, dy);
            Tensor dx1 = cuda.layerNormBackward(cdy, cx, cg, lc, dg1, db1, true);
            close(dx0, cuda.download(dx1), 1e-4, what + " dx");
            close(dg0, cuda.download(dg1), 1e-4 * Math.sqrt(n), what + " dgamma");
            close(db0, cuda.download(db1), 1e-4 * Math.sqrt(n), what + " dbeta");

            // Parameter gradients only, and one of them only.
            assertNull(cuda.layerNormBackward(cdy, cx, cg, lc, dg1, null, false));
            ref.layerNormBackward(dy, x, g, lr, dg0, null, false);
            close(dg0, cuda.download(dg1), 1e-4 * Math.sqrt(n), what + " dgamma again");
            close(db0, cuda.download(db1), 1e-4 * Math.sqrt(n), what + " dbeta untouched");
        }
    }

    @Test
    void layerNormBackwardForInputOnly() {
        Rand r = new Rand(21);
        Tensor x = r.uniform(ref, 1f, 9, 33);
        Tensor g = r.uniform(ref, 1f, 33);
        Tensor b = r.uniform(ref, 1f, 33);
        Tensor dy = r.uniform(ref, 1f, 9, 33);
        LayerNormResult lr = ref.layerNorm(x, g, b, 1e-5f);
        LayerNormResult lc = cuda.layerNorm(up(cuda, x), up(cuda, g), up(cuda, b), 1e-5f);
        Tensor dx0 = ref.layerNormBackward(dy, x, g, lr, null, null, true);
        Tensor dx1 = cuda.layerNormBackward(up(cuda, dy), up(cuda, x), up(cuda, g), lc, null, null, true);
        close(dx0, cuda.download(dx1), 1e-4, "layerNorm dx only");
    }

    @Test
    void softmaxForwardAndBackward() {
        Rand r = new Rand(22);
        int[][] shapes = {{1, 1}, {5, 2}, {100, 3}, {17, 17}, {33, 129}, {3, 384}, {2, 1000}, {1, 5000}};
        for (int[] s : shapes) {
            Tensor x = r.uniform(ref, 5f, s[0], s[1]);
            Tensor y0 = ref.softmax(x);
            Tensor y1 = cuda.softmax(up(cuda, x));
            close(y0, cuda.download(y1), 1e-5, "softmax " + s[0] + "x" + s[1]);
            Tensor dy = r.uniform(ref, 1f, s[0], s[1]);
            close(ref.softmaxBackward(y0, dy), cuda.download(cuda.softmaxBackward(y1, up(cuda, dy))), 1e-5,
                    "softmaxBackward " + s[0] + "x" + s[1]);
        }
    }

    @RepeatedTest(8)
    void attentionForwardAndBackward(RepetitionInfo info) {
        Rand r = new Rand(90 + info.getCurrentRepetition());
        int batch = r.between(1, 3);
        int t = ODD[r.nextInt(5)] + r.nextInt(4);
        int heads = new int[] {1, 2, 3, 12}[r.nextInt(4)];
        int dh = new int[] {1, 3, 17, 32, 64}[r.nextInt(5)];
        checkAttention(r, batch, t, t, heads, dh, r.paddingMask(ref, batch, t), "attention #" + info.getCurrentRepetition());
    }

    @Test
    void attentionAtMiniLmSize() {
        Rand r = new Rand(31);
        checkAttention(r, 2, 128, 128, 12, 32, r.paddingMask(ref, 2, 128), "attention MiniLM");
    }

    @Test
    void attentionCrossLengthsAndFullyPaddedSequence() {
        Rand r = new Rand(32);
        int batch = 3;
        int tk = 17;
        float[] m = new float[batch * tk];
        for (int j = 0; j < 9; j++) {
            m[j] = 1f;  // sequence 0: 9 real keys; sequence 1: all padding; sequence 2: every other key
        }
        for (int j = 0; j < tk; j += 2) {
            m[2 * tk + j] = 1f;
        }
        checkAttention(r, batch, 5, tk, 2, 33, ref.upload(m, batch, tk), "attention tq != tk");
    }

    @Test
    void attentionRejectsKeysThatDoNotFitInSharedMemory() {
        int tk = 13000;
        Tensor q = cuda.zeros(1, 1);
        Tensor kv = cuda.zeros(tk, 1);
        assertThrows(IllegalArgumentException.class, () -> cuda.attention(q, kv, kv, cuda.zeros(1, tk), 1, 1));
    }

    private void checkAttention(Rand r, int batch, int tq, int tk, int heads, int dh, Tensor mask, String what) {
        what += " (batch " + batch + ", tq " + tq + ", tk " + tk + ", heads " + heads + ", dh " + dh + ")";
        Tensor q = r.uniform(ref, 1f, batch * tq, heads * dh);
        Tensor k = r.uniform(ref, 1f, batch * tk, heads * dh);
        Tensor v = r.uniform(ref, 1f, batch * tk, heads * dh);
        AttentionResult a0 = ref.attention(q, k, v, mask, batch, heads);
        Tensor cq = up(cuda, q);
        Tensor ck = up(cuda, k);
        Tensor cv = up(cuda, v);
        AttentionResult a1 = cuda.attention(cq, ck, cv, up(cuda, mask), batch, heads);
        close(a0.probs(), cuda.download(a1.probs()), 1e-5, what + " probs");
        close(a0.out(), cuda.download(a1.out()), 1e-5, what + " out");
        Tensor dOut = r.uniform(ref, 1f, batch * tq, heads * dh);
        AttentionGrads g0 = ref.attentionBackward(dOut, q, k, v, a0.probs(), batch, heads);
        AttentionGrads g1 = cuda.attentionBackward(up(cuda, dOut), cq, ck, cv, a1.probs(), batch, heads);
        close(g0.dq(), cuda.download(g1.dq()), 1e-4, what + " dq");
        close(g0.dk(), cuda.download(g1.dk()), 1e-4, what + " dk");
        close(g0.dv(), cuda.download(g1.dv()), 1e-4, what + " dv");
    }
}
