package dev.clm4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = op(A) B for a product exactly two vectors wide (n = 2L: 32 columns on AVX-512, an attention
 * head of all-MiniLM-L6-v2 or bge-small), with A and B read in place and nothing packed. Attention's
 * per-head products P V, dS K, dS^T Q and P^T dO have this shape: run through {@link Gemm}, they pay
 * for packing (a transpose of a t x t block for P^T), for 64-wide tiles of which half is padding or
 * for computing the transposed product and transposing it back. Here the 6 x 2L register tile
 * broadcasts A from any layout (row stride and step stride, so A^T costs nothing) and loads B's
 * rows where they are (row stride ldb), so every operand is touched once, where it lives.
 */
final class NarrowProduct {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns of the products this class computes. */
    static final int WIDTH = 2 * L;
    private static final int MR = 6;

    private NarrowProduct() {
    }

    /** Whether products of this width take the in-place path (needs 15 vector registers and L >= 8). */
    static boolean handles(int n) {
        return n == WIDTH && L >= 8;
    }

    /**
     * C[m x WIDTH] (+)= op(A)[m x k] B[k x WIDTH]. op(A) element (i, p) is
     * {@code a.data[a.off + i * aRow + p * aStep]}: (a.ld, 1) for A, (1, a.ld) for a stored A^T.
     * B element (p, j) is {@code b.data[b.off + p * b.ld + j]}; C (i, j) at {@code c.off + i * c.ld + j},
     * overwritten (its old values are never read). There is no accumulating variant on purpose: a
     * flag that C2 saw always false compiles to a trap, and the first call that set it would run the
     * kernel in the interpreter.
     */
    static void multiply(MatrixView a, boolean transA, MatrixView b, MatrixView c, int m, int k) {
        int aRow = transA ? 1 : a.ld();
        int aStep = transA ? a.ld() : 1;
        int i = 0;
        for (; i + MR <= m; i += MR) {
            tile(k, a.data(), a.off() + i * aRow, aRow, aStep, b.data(), b.off(), b.ld(), c.data(), c.off() + i * c.ld(),
                    c.ld());
        }
        for (; i < m; i++) {
            row(k, a.data(), a.off() + i * aRow, aStep, b.data(), b.off(), b.ld(), c.data(), c.off() + i * c.ld());
        }
    }

    /** Six rows of C. Written out accumulator by accumulator, like {@link GemmKernels}, so nothing is boxed. */
    private static void tile(int k, float[] a, int aOff, int aRow, int aStep, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        final int l = L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        final int a1 = aRow;
        final int a2 = 2 * aRow;
        final int a3 = 3 * aRow;
        final int a4 = 4 * aRow;
        final int a5 = 5 * aRow;
        int bEnd = bOff + k * ldb;
        for (int bi = bOff, ai = aOff; bi < bEnd; bi += ldb, ai += aStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + l);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + a1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + a4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + a5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        int r0 = cOff;
        int r1 = r0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + l);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + l);
    }

    /** One row of C (the rows left over after the six-row tiles). */
    private static void row(int k, float[] a, int aOff, int aStep, float[] b, int bOff, int ldb, float[] c, int cOff) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        for (int p = 0, bi = bOff, ai = aOff; p < k; p++, bi += ldb, ai += aStep) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c0 = x.fma(FloatVector.fromArray(S, b, bi), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bi + L), c1);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
    }
}
