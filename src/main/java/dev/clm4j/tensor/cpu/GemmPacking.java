package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.GemmKernels.MR;
import static dev.clm4j.tensor.cpu.GemmKernels.NR;

import java.util.Arrays;

/**
 * Copies slices of op(A) and op(B) into the micro-panel layouts the kernels read: every kernel load
 * becomes contiguous and the transposes disappear here. Panels at the edges are zero-padded, so the
 * kernels always run full tiles (the padding contributes exact zeros).
 *
 * <p>Layouts for a kc-deep slice starting at depth pc:
 * <ul>
 *   <li>A: panel q holds rows [q*MR, q*MR+MR) of the block as kc groups of MR values (row r of
 *       step p at q*kc*MR + p*MR + r);</li>
 *   <li>B: panel q holds columns [q*NR, q*NR+NR) as kc rows of NR values (q*kc*NR + p*NR + j).</li>
 * </ul>
 */
final class GemmPacking {
    /** Steps per block of the B transpose: one cache line of a stored row. */
    private static final int TRANSPOSE_STEPS = 16;

    private GemmPacking() {
    }

    static int panels(int size, int width) {
        return (size + width - 1) / width;
    }

    /**
     * Packs rows [row0, rowEnd) of op(A)[., pc..pc+kc] into ap as consecutive micro-panels from 0.
     * op(A)[i][p] is a.data[a.off + i * a.ld + p], or a.data[a.off + p * a.ld + i] when transposed.
     */
    static void packA(MatrixView a, boolean transA, int rowEnd, int row0, int pc, int kc, float[] ap) {
        int panels = panels(rowEnd - row0, MR);
        if (!transA) {
            for (int q = 0; q < panels; q++) {
                packAPanel(a, false, rowEnd, row0 + q * MR, pc, kc, ap, q * kc * MR);
            }
            return;
        }
        // Stored [k, m]: step outer, panels inner, so that each step reads one contiguous run of a
        // stored row instead of touching a new cache line (and, for long rows, page) per panel.
        float[] src = a.data();
        int full = (rowEnd - row0) / MR;
        for (int p = 0; p < kc; p++) {
            int s0 = a.off() + (pc + p) * a.ld() + row0;
            for (int q = 0, d = p * MR; q < full; q++, d += kc * MR) {
                int s = s0 + q * MR;
                for (int r = 0; r < MR; r++) {
                    ap[d + r] = src[s + r];
                }
            }
        }
        if (full < panels) {
            packAPanel(a, true, rowEnd, row0 + full * MR, pc, kc, ap, full * kc * MR);
        }
    }

    /** One A micro-panel: rows [row0, row0 + MR) of op(A) (zeros from rowEnd on) at ap[base]. */
    private static void packAPanel(MatrixView a, boolean transA, int rowEnd, int row0, int pc, int kc,
                                   float[] ap, int base) {
        float[] src = a.data();
        int rows = Math.min(MR, rowEnd - row0);
        if (transA) {
            for (int p = 0; p < kc; p++) {
                int s = a.off() + (pc + p) * a.ld() + row0;
                int d = base + p * MR;
                for (int r = 0; r < rows; r++) {
                    ap[d + r] = src[s + r];
                }
                for (int r = rows; r < MR; r++) {
                    ap[d + r] = 0f;
                }
            }
        } else {
            // Stored [m, k]: read each row once, sequentially, and scatter with stride MR.
            for (int r = 0; r < rows; r++) {
                int s = a.off() + (row0 + r) * a.ld() + pc;
                for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                    ap[d] = src[s + p];
                }
            }
            for (int r = rows; r < MR; r++) {
                for (int p = 0, d = base + r; p < kc; p++, d += MR) {
                    ap[d] = 0f;
                }
            }
        }
    }

    /**
     * Packs B panels [firstPanel, endPanel) of op(B)[pc..pc+kc, 0..n] into bp (panel q at q*kc*NR).
     * op(B)[p][j] is b.data[b.off + p * b.ld + j], or b.data[b.off + j * b.ld + p] when transposed.
     */
    static void packB(MatrixView b, boolean transB, int n, int pc, int kc, float[] bp, int firstPanel, int endPanel) {
        float[] src = b.data();
        for (int q = firstPanel; q < endPanel; q++) {
            int col0 = q * NR;
            int cols = Math.min(NR, n - col0);
            int base = q * kc * NR;
            if (!transB) {
                // Stored [k, n]: each step's NR values are a contiguous piece of one row.
                for (int p = 0; p < kc; p++) {
                    int d = base + p * NR;
                    System.arraycopy(src, b.off() + (pc + p) * b.ld() + col0, bp, d, cols);
                    if (cols < NR) {
                        Arrays.fill(bp, d + cols, d + NR, 0f);
                    }
                }
                continue;
            }
            // Stored [n, k] (a weight matrix [out, in]): a transpose. Blocks of TRANSPOSE_STEPS steps
            // keep both sides in L1: each block reads TRANSPOSE_STEPS consecutive values of every
            // stored row and writes TRANSPOSE_STEPS panel rows (2.4x faster than whole rows).
            for (int p0 = 0; p0 < kc; p0 += TRANSPOSE_STEPS) {
                int p1 = Math.min(kc, p0 + TRANSPOSE_STEPS);
                for (int j = 0; j < cols; j++) {
                    int s = b.off() + (col0 + j) * b.ld() + pc;
                    for (int p = p0, d = base + p0 * NR + j; p < p1; p++, d += NR) {
                        bp[d] = src[s + p];
                    }
                }
            }
            if (cols < NR) {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * NR;
                    Arrays.fill(bp, d + cols, d + NR, 0f);
                }
            }
        }
    }
}
