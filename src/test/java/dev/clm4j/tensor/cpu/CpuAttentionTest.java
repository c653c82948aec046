package dev.clm4j.tensor.cpu;

import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Attention of the cpu backend against the reference, with padding masks (including a sequence that
 * is all padding, whose outputs and gradients must be zero), odd sequence lengths and head widths,
 * and queries and keys of different lengths (as prefix tuning has them); dh = 32 takes the in-place
 * narrow products on AVX-512. Tolerance 1e-5 relative for probabilities and outputs
 * (float dot products of dh <= 33 terms), 2e-5 for the gradients (products of two such sums).
 */
class CpuAttentionTest {
    private static final CpuBackend CPU = new CpuBackend(3);
    private final ReferenceBackend ref = new ReferenceBackend();

    @AfterAll
    static void close() {
        CPU.close();
    }

    /** batch, heads, tq, tk, dh. */
    private static final int[][] CASES = {
        {1, 1, 1, 1, 1}, {2, 3, 17, 17, 3}, {3, 2, 31, 31, 17}, {2, 4, 33, 33, 32}, {1, 2, 5, 40, 31},
        {2, 12, 20, 20, 32}, {4, 1, 129, 129, 8}, {3, 3, 7, 23, 32}, {2, 2, 64, 61, 32},
    };

    @Test
    void forwardAndBackward() {
        Rand r = new Rand(30);
        for (int[] c : CASES) {
            int batch = c[0], heads = c[1], tq = c[2], tk = c[3], dh = c[4];
            String what = String.format("attention batch=%d heads=%d tq=%d tk=%d dh=%d", batch, heads, tq, tk, dh);
            Tensor mask = r.paddingMask(ref, batch, tk);
            if (batch > 2) {
                java.util.Arrays.fill(mask.data(), (batch - 1) * tk, batch * tk, 0f); // all padding
            }
            Tensor q = r.uniform(ref, 1f, batch * tq, heads * dh);
            Tensor k = r.uniform(ref, 1f, batch * tk, heads * dh);
            Tensor v = r.uniform(ref, 1f, batch * tk, heads * dh);
            AttentionResult a0 = ref.attention(q, k, v, mask, batch, heads);
            AttentionResult a1 = CPU.attention(q, k, v, mask, batch, heads);
            Close.elementwise(a0.probs().data(), a1.probs().data(), 1e-5, what + " probs");
            Close.elementwise(a0.out().data(), a1.out().data(), 1e-5, what + " out");
            Tensor dOut = r.uniform(ref, 1f, batch * tq, heads * dh);
            AttentionGrads g0 = ref.attentionBackward(dOut, q, k, v, a0.probs(), batch, heads);
            AttentionGrads g1 = CPU.attentionBackward(dOut, q, k, v, a0.probs(), batch, heads);
            Close.elementwise(g0.dq().data(), g1.dq().data(), 2e-5, what + " dq");
            Close.elementwise(g0.dk().data(), g1.dk().data(), 2e-5, what + " dk");
            Close.elementwise(g0.dv().data(), g1.dv().data(), 2e-5, what + " dv");
        }
    }
}
