package dev.clm4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM, C = op(A) op(B) + beta C, row-major, in the BLIS style: op(B) is packed
 * into panels of NR columns and op(A) into panels of MR rows (packing absorbs the transposes and
 * makes every inner-loop access contiguous), then an MR x NR register-tile micro-kernel of vector
 * FMAs runs over a KC-deep slice. Work is split over row blocks across threads.
 */
final class Gemm {
    static final VectorSpecies<Float> S = Integer.getInteger("clm.gemm.bits", 0) == 256 ? FloatVector.SPECIES_256
            : FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    private static final int KC = Integer.getInteger("clm.gemm.kc", 512);
    private static final int MC = Integer.getInteger("clm.gemm.mcTiles", 16) * MR;
    private static final int NC = Integer.getInteger("clm.gemm.nc", 512);

    private static final float TOUCH_SENTINEL = 1.2345678e-30f;
    @SuppressWarnings("unused")
    private static float sink;

    private final Parallel parallel;

    Gemm(Parallel parallel) {
        this.parallel = parallel;
    }

    /**
     * @param a   op(A) is m x k: A is [m, k] (lda = k) or, transposed, [k, m] (lda = m)
     * @param b   op(B) is k x n: B is [k, n] (ldb = n) or, transposed, [n, k] (ldb = k)
     * @param c   [m, n], ldc = n
     */
    void multiply(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int n, int k, float beta) {
        scale(c, m * n, beta);
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bp = new float[panels * kc * NR];
                packB(b, ldb, transB, pc, kc, jc, nc, bp);
                int blocks = (m + MC - 1) / MC;
                final int fjc = jc;
                final int fpc = pc;
                parallel.forEach(blocks, blk -> {
                    int ic = blk * MC;
                    int mc = Math.min(MC, m - ic);
                    float[] ap = new float[((mc + MR - 1) / MR) * kc * MR];
                    packA(a, lda, transA, ic, mc, fpc, kc, ap);
                    float[] edge = new float[MR * NR];
                    // Row panels outer, column panels inner: consecutive tiles of C are adjacent in
                    // memory, so the hardware prefetcher streams C while the A panel stays in L1.
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        int aOff = (ir / MR) * kc * MR;
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            int bOff = (jr / NR) * kc * NR;
                            int cOff = (ic + ir) * n + fjc + jr;
                            if (mr == MR && nr == NR) {
                                kernel(kc, ap, aOff, bp, bOff, c, cOff, n);
                            } else {
                                java.util.Arrays.fill(edge, 0f);
                                kernel(kc, ap, aOff, bp, bOff, edge, 0, NR);
                                for (int r = 0; r < mr; r++) {
                                    for (int j = 0; j < nr; j++) {
                                        c[cOff + r * n + j] += edge[r * NR + j];
                                    }
                                }
                            }
                        }
                    }
                });
            }
        }
    }

    private static void scale(float[] c, int len, float beta) {
        if (beta == 1f) {
            return;
        }
        if (beta == 0f) {
            java.util.Arrays.fill(c, 0, len, 0f);
            return;
        }
        for (int i = 0; i < len; i++) {
            c[i] *= beta;
        }
    }

    /** op(B)[pc..pc+kc, jc..jc+nc] into NR-wide panels, p-major inside a panel, zero-padded. */
    private static void packB(float[] b, int ldb, boolean transB, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = (jr / NR) * kc * NR;
            for (int p = 0; p < kc; p++) {
                int dst = base + p * NR;
                if (!transB) {
                    System.arraycopy(b, (pc + p) * ldb + jc + jr, bp, dst, nr);
                } else {
                    for (int j = 0; j < nr; j++) {
                        bp[dst + j] = b[(jc + jr + j) * ldb + pc + p];
                    }
                }
            }
        }
    }

    /** op(A)[ic..ic+mc, pc..pc+kc] into MR-tall panels, p-major inside a panel, zero-padded. */
    private static void packA(float[] a, int lda, boolean transA, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = (ir / MR) * kc * MR;
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, (pc + p) * lda + ic + ir, ap, base + p * MR, mr);
                }
            } else {
                for (int r = 0; r < mr; r++) {
                    int src = (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = a[src + p];
                    }
                }
            }
        }
    }

    /** C[0..MR, 0..NR] += Apanel (kc x MR) * Bpanel (kc x NR): 12 vector accumulators. */
    private static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        // Touch the tile's C lines first, so that their cache misses overlap the FMA loop instead
        // of stalling the final accumulate (measured: about 15% on products whose C is out of cache).
        float touch = c[cOff] + c[cOff + L] + c[cOff + ldc] + c[cOff + ldc + L] + c[cOff + 2 * ldc]
                + c[cOff + 2 * ldc + L] + c[cOff + 3 * ldc] + c[cOff + 3 * ldc + L] + c[cOff + 4 * ldc]
                + c[cOff + 4 * ldc + L] + c[cOff + 5 * ldc] + c[cOff + 5 * ldc + L];
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        // Written out rather than through a helper: C2 does not inline a helper into this large
        // method, and passing the accumulators to a call boxes them (measured: 3x slower).
        if (touch == TOUCH_SENTINEL) {
            sink = touch; // keeps the touching loads alive; practically never taken
        }
        int o = cOff;
        FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
        o += ldc;
        FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
        o += ldc;
        FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
        o += ldc;
        FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
        o += ldc;
        FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L);
        o += ldc;
        FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o);
        FloatVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L);
    }
}
