package dev.clm4j.tensor.cpu;

import static dev.clm4j.tensor.cpu.GemmKernels.MR;
import static dev.clm4j.tensor.cpu.GemmKernels.NR;

import java.util.Arrays;

/**
 * Single-precision GEMM, C = op(A) op(B) + beta C on row-major matrices, in the BLIS manner. The
 * depth is cut into slices of at most KC. For each slice, op(B) is packed once into NR-wide
 * micro-panels shared by all threads (in parallel, see {@link GemmPacking}); then the threads take
 * row blocks of C in turn: each runs the {@link GemmKernels} register tiles over its MC rows of
 * op(A) and the shared B panels. The 6-row tiles read A where it is stored ({@link #DIRECT_A},
 * {@link #DIRECT_AT}); other tiles, and a ragged last panel, read it from a per-thread packed copy.
 *
 * <p>Cache plan (per core: 32 KiB L1, 1 MiB L2 on the machines we tune on): the block's packed A
 * (MC x KC = 96 x 384 floats, 144 KiB) is written and re-read in L2, never round-tripping through
 * memory; one B micro-panel (KC x NR = 384 x 64, 96 KiB) sits in L2 while all the block's A
 * micro-panels (9 KiB each, L1) pass it. The shared packed B slice (KC x n) lives in L3. Measured
 * on 4096 x 384 x 384: packing A per block instead of all of A up front gained 15%, KC = 384
 * beat 256 and 512 by 10-20%, MC anywhere in 48..192 made no difference.
 */
final class Gemm {
    /** Depth of one slice: k = 384 (the encoder's hidden size) runs as a single slice. */
    private static final int KC = Integer.getInteger("clm.gemm.kc", 384);
    /** Rows of C per task (a multiple of MR). */
    private static final int MC = roundUp(Integer.getInteger("clm.gemm.mc", 96), MR);
    /**
     * Largest C block (MC x n floats) a task writes while its packed A block stays in L2: wide
     * products use fewer rows per block so that the C lines they write do not evict A.
     */
    private static final int C_BLOCK_FLOATS = Integer.getInteger("clm.gemm.cblock", 1 << 30);
    /** Below this many multiply-adds a product runs on the calling thread alone. */
    private static final long PARALLEL_MIN_MACS = 1L << 18;
    /**
     * B panels per packing task. One: the encoder's n = 384 has 6 panels, which two threads split
     * 3 and 3, where 2 per task made 3 tasks, so one thread packed twice as much as the other.
     */
    private static final int B_PANELS_PER_TASK = Integer.getInteger("clm.gemm.bpanels", 1);
    static final boolean I_OUTER = Boolean.getBoolean("clm.gemm.iouter");
    /**
     * Whether the kernel (wide or narrow 6-row tile) reads a stored [m, k] A in place (row stride
     * lda) instead of from a packed copy: the six rows of a micro-panel are six sequential streams the prefetcher follows,
     * so the copy (7% of inference time) buys nothing.
     */
    static final boolean DIRECT_A = !"false".equals(System.getProperty("clm.gemm.directA")) && GemmKernels.STRIDED_A;
    /**
     * Whether a transposed A (stored [k, m], as the activations in a weight gradient dY^T X) is read
     * in place too: one step of a micro-panel is then six adjacent floats of one stored row, so the
     * stream is as regular as a packed panel. Not packing it made the weight-gradient products 8-10%
     * faster on a Zen 4 VM (session 12). Wide tiles only: the narrow tile does half the FMAs per step
     * for the same new cache line of A, and ran them 10% slower in place (the same VM under
     * -XX:UseAVX=2).
     */
    static final boolean DIRECT_AT = DIRECT_A && GemmKernels.WIDE && !"false".equals(System.getProperty("clm.gemm.directAT"));

    private final Parallel parallel;
    /** Packed B of the calling thread, kept between products (grown on demand). */
    private final ThreadLocal<float[]> packedB = ThreadLocal.withInitial(() -> new float[0]);
    /** Packed A block of each thread that runs blocks. */
    private final ThreadLocal<float[]> packedA = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * One register tile of each thread, for ragged edges. Attention runs thousands of small products
     * per step, most of them with a ragged edge: a new tile each (800 bytes) was a fifth of all
     * that a BANKING77 training run allocated.
     */
    private final ThreadLocal<float[]> edgeTile = ThreadLocal.withInitial(() -> new float[GemmKernels.MR * GemmKernels.NR]);

    Gemm(Parallel parallel) {
        this.parallel = parallel;
    }

    private static int roundUp(int x, int multiple) {
        return Math.max(multiple, (x + multiple - 1) / multiple * multiple);
    }

    /**
     * Dense C = op(A) op(B) + beta C with op(A) m x k, op(B) k x n, C m x n (row stride n).
     *
     * @param a A stored as [m, k], or as [k, m] when transA
     * @param b B stored as [k, n], or as [n, k] when transB
     */
    void multiply(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int n, int k, float beta) {
        multiply(MatrixView.of(a, transA ? m : k), transA, MatrixView.of(b, transB ? k : n), transB,
                MatrixView.of(c, n), m, n, k, beta, true);
    }

    /**
     * C = op(A) op(B) + bias, the bias broadcast over the rows of C. The bias is written where the
     * overwriting product would zero each register tile, so it costs no pass over C of its own.
     */
    void multiplyBias(float[] a, boolean transA, float[] b, boolean transB, float[] bias, float[] c, int m, int n, int k) {
        multiplyBias(a, transA, b, transB, bias, c, m, n, k, null);
    }

    /**
     * As above, then {@code epilogue} on every finished block of C while it is still in this core's
     * cache (GELU of a feed-forward layer's pre-activation, when nothing keeps the pre-activation).
     */
    void multiplyBias(float[] a, boolean transA, float[] b, boolean transB, float[] bias, float[] c, int m, int n, int k,
                      Epilogue epilogue) {
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(bias, 0, c, i * n, n);
            }
            if (epilogue != null) {
                epilogue.apply(c, 0, n, m, n);
            }
            return;
        }
        multiply(MatrixView.of(a, transA ? m : k), transA, MatrixView.of(b, transB ? k : n), transB,
                MatrixView.of(c, n), m, n, k, 0f, true, bias, epilogue);
    }

    /** In-place work on a finished block of C: rows x cols at c[off], row stride ld. */
    @FunctionalInterface
    interface Epilogue {
        void apply(float[] c, int off, int ld, int rows, int cols);
    }

    /**
     * C = op(A) op(B) + beta C on strided views. With beta = 0 the old C is never read (NaNs there do
     * not survive), as in the reference. With {@code mayFork} false the product runs on the calling
     * thread (for callers that are already one task of a parallel loop).
     */
    void multiply(MatrixView a, boolean transA, MatrixView b, boolean transB, MatrixView c, int m, int n, int k,
                  float beta, boolean mayFork) {
        multiply(a, transA, b, transB, c, m, n, k, beta, mayFork, null, null);
    }

    /**
     * As above; a non-null {@code bias} (length n, with beta = 0 and k > 0) is added to every row of
     * C, and a non-null {@code epilogue} runs on each block of C after its last depth slice.
     */
    private void multiply(MatrixView a, boolean transA, MatrixView b, boolean transB, MatrixView c, int m, int n, int k,
                          float beta, boolean mayFork, float[] bias, Epilogue epilogue) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || beta != 0f && beta != 1f) {
            scale(c, m, n, beta);
            if (k == 0) {
                return;
            }
            beta = 1f;
        }
        boolean overwrite = beta == 0f;
        int slices = (k + KC - 1) / KC;
        int kcMax = (k + slices - 1) / slices; // equal slices: no thin last slice
        int bPanels = GemmPacking.panels(n, NR);
        float[] bp = grow(packedB, bPanels * kcMax * NR);
        boolean inParallel = mayFork && (long) m * n * k >= PARALLEL_MIN_MACS && parallel.threads() > 1;
        int[] tile = tileShape(m, n, inParallel ? parallel.threads() : 1);
        int mc = tile[0];
        int nc = tile[1];
        int rowTiles = (m + mc - 1) / mc;
        int colTiles = (n + nc - 1) / nc;
        int bTasks = (bPanels + B_PANELS_PER_TASK - 1) / B_PANELS_PER_TASK;

        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            int depth = pc;
            boolean accumulate = !(overwrite && pc == 0);
            Epilogue last = pc + kc >= k ? epilogue : null;
            if (inParallel) {
                parallel.forEach(bTasks, t -> GemmPacking.packB(b, transB, n, depth, kc, bp,
                        t * B_PANELS_PER_TASK, Math.min(bPanels, (t + 1) * B_PANELS_PER_TASK)));
                parallel.forEach(rowTiles * colTiles, t -> {
                    int i0 = (t / colTiles) * mc;
                    int j0 = (t % colTiles) * nc;
                    int i1 = Math.min(m, i0 + mc);
                    int j1 = Math.min(n, j0 + nc);
                    block(a, transA, bp, c, depth, kc, i0, i1, j0, j1, accumulate, bias);
                    if (last != null) {
                        last.apply(c.data(), c.off() + i0 * c.ld() + j0, c.ld(), i1 - i0, j1 - j0);
                    }
                });
            } else {
                GemmPacking.packB(b, transB, n, depth, kc, bp, 0, bPanels);
                for (int i0 = 0; i0 < m; i0 += mc) {
                    int i1 = Math.min(m, i0 + mc);
                    block(a, transA, bp, c, depth, kc, i0, i1, 0, n, accumulate, bias);
                    if (last != null) {
                        last.apply(c.data(), c.off() + i0 * c.ld(), c.ld(), i1 - i0, n);
                    }
                }
            }
        }
    }

    /**
     * Row blocks of MC and, only when that leaves fewer than three blocks per thread (the dynamic
     * schedule needs some slack to balance), column blocks too; a column block re-packs its rows of
     * A, so columns are split last. Both stay whole multiples of the register tile.
     */
    private static int[] tileShape(int m, int n, int threads) {
        int mc = Math.min(Math.min(MC, Math.max(2 * MR, C_BLOCK_FLOATS / Math.max(1, n) / MR * MR)), roundUp(m, MR));
        int nc = roundUp(n, NR);
        int want = threads == 1 ? 1 : 3 * threads;
        while (tiles(m, n, mc, nc) < want) {
            if (mc > 2 * MR) {
                mc = roundUp(mc / 2, MR);
            } else if (nc > NR) {
                nc = roundUp(nc / 2, NR);
            } else {
                break;
            }
        }
        return new int[] {mc, nc};
    }

    private static long tiles(int m, int n, int mc, int nc) {
        return (long) ((m + mc - 1) / mc) * ((n + nc - 1) / nc);
    }

    /**
     * Rows [i0, i1) x columns [j0, j1) of C from one depth slice (i0, j0 multiples of MR, NR): packs
     * the rows of op(A) into this thread's buffer, then B micro-panels outer, A micro-panels inner.
     */
    private void block(MatrixView a, boolean transA, float[] bp, MatrixView c, int pc, int kc,
                       int i0, int i1, int j0, int j1, boolean accumulate, float[] bias) {
        boolean direct = transA ? DIRECT_AT : DIRECT_A;
        float[] ap;
        int fullPanels = (i1 - i0) / MR;
        if (!direct) {
            ap = grow(packedA, GemmPacking.panels(i1 - i0, MR) * kc * MR);
            GemmPacking.packA(a, transA, i1, i0, pc, kc, ap);
        } else {
            // Only a ragged last panel is copied (zero-padded to MR rows), to the front of the buffer.
            ap = grow(packedA, kc * MR);
            if (fullPanels * MR < i1 - i0) {
                GemmPacking.packA(a, transA, i1, i0 + fullPanels * MR, pc, kc, ap);
            }
        }
        float[] cv = c.data();
        int ldc = c.ld();
        float[] edge = null;
        boolean iOuter = I_OUTER;
        int jSteps = (j1 - j0 + NR - 1) / NR;
        int iSteps = (i1 - i0 + MR - 1) / MR;
        for (int outer = 0; outer < (iOuter ? iSteps : jSteps); outer++) {
            for (int inner = 0; inner < (iOuter ? jSteps : iSteps); inner++) {
                int j = j0 + (iOuter ? inner : outer) * NR;
                int q = iOuter ? outer : inner;
                int i = i0 + q * MR;
                int cols = Math.min(NR, j1 - j);
                int bOff = (j / NR) * kc * NR;
                int rows = Math.min(MR, i1 - i);
                int cOff = c.off() + i * ldc + j;
                // Where the kernel reads this micro-panel of A: in place, or packed.
                float[] aData = ap;
                int aOff = direct ? 0 : q * kc * MR;
                int aRow = 1;
                int aStep = MR;
                if (direct && q < fullPanels) {
                    aData = a.data();
                    if (transA) {
                        aOff = a.off() + pc * a.ld() + i;
                        aStep = a.ld();
                    } else {
                        aOff = a.off() + i * a.ld() + pc;
                        aRow = a.ld();
                        aStep = 1;
                    }
                }
                if (rows == MR && cols == NR) {
                    if (!accumulate) {
                        // cheap: the kernel re-reads the tile from L1
                        if (bias == null) {
                            GemmKernels.zeroTile(cv, cOff, ldc);
                        } else {
                            GemmKernels.biasTile(cv, cOff, ldc, bias, j);
                        }
                    }
                    GemmKernels.kernel(kc, aData, aOff, aRow, aStep, bp, bOff, cv, cOff, ldc);
                    continue;
                }
                // A ragged edge: compute the full register tile aside, keep the part inside C.
                if (edge == null) {
                    edge = edgeTile.get();
                }
                Arrays.fill(edge, 0f);
                GemmKernels.kernel(kc, aData, aOff, aRow, aStep, bp, bOff, edge, 0, NR);
                for (int r = 0; r < rows; r++) {
                    int dst = cOff + r * ldc;
                    if (accumulate) {
                        for (int x = 0; x < cols; x++) {
                            cv[dst + x] += edge[r * NR + x];
                        }
                    } else if (bias == null) {
                        System.arraycopy(edge, r * NR, cv, dst, cols);
                    } else {
                        for (int x = 0; x < cols; x++) {
                            cv[dst + x] = edge[r * NR + x] + bias[j + x];
                        }
                    }
                }
            }
        }
    }

    /** C *= beta over its m x n entries; beta = 0 writes zeros (old NaNs do not survive). */
    private static void scale(MatrixView c, int m, int n, float beta) {
        if (beta == 1f) {
            return;
        }
        float[] cv = c.data();
        for (int i = 0; i < m; i++) {
            int off = c.off() + i * c.ld();
            if (beta == 0f) {
                Arrays.fill(cv, off, off + n, 0f);
            } else {
                for (int j = off; j < off + n; j++) {
                    cv[j] *= beta;
                }
            }
        }
    }

    private static float[] grow(ThreadLocal<float[]> holder, int size) {
        float[] buf = holder.get();
        if (buf.length < size) {
            buf = new float[size];
            holder.set(buf);
        }
        return buf;
    }
}
