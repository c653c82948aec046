package dev.clm4j.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tile micro-kernels of {@link Gemm}: C[0..MR, 0..NR] (+)= Apanel * Bpanel over a
 * kc-deep slice, where the A micro-panel is kc x MR (p-major, one broadcast per row and step) and
 * the B micro-panel is kc x NR (p-major, NR / L vector loads per step). Two shapes:
 * <ul>
 *   <li>wide, 6 x 4L: 24 accumulators + 4 B vectors + 1 broadcast = 29 of the 32 registers of
 *       AVX-512 (and of NEON/SVE); 10 loads per 24 FMAs leaves the load ports idle half the time;</li>
 *   <li>narrow, 6 x 2L: 12 accumulators + 2 + 1 = 15 of the 16 registers of AVX2.</li>
 * </ul>
 * The accumulators are written out one by one rather than through an array or a helper: a vector
 * that escapes into an array (or a call C2 declines to inline) is boxed, which costs 20-40x here.
 * The loop runs on the B offset with the A offset as a second induction variable: C2 then hoists
 * the B range checks and emits 10 scalar instructions per step instead of 19 (read from the
 * generated code), which keeps the loop under the front end's 4 instructions per cycle.
 */
final class GemmKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Wide tiles need 29 vector registers: AVX-512 and ARM have 32, AVX2 has 16. */
    static final boolean WIDE = wide();
    static final String SHAPE = System.getProperty("clm.gemm.shape", "");
    static final int MR = SHAPE.equals("tall") ? 12 : SHAPE.equals("mid") ? 8 : 6;
    static final int NR = SHAPE.equals("tall") ? 2 * L : SHAPE.equals("mid") ? 3 * L : WIDE ? 4 * L : 2 * L;
    /** Whether the kernel (the wide 6 x 4L or the narrow 6 x 2L tile) reads A in any layout (see {@link #wide}). */
    static final boolean STRIDED_A = MR == 6 && NR == (WIDE ? 4 : 2) * L;

    private GemmKernels() {
    }

    private static boolean wide() {
        String forced = System.getProperty("clm.gemm.kernel", "");
        if (forced.equals("wide") || forced.equals("narrow")) {
            return forced.equals("wide");
        }
        return L >= 16 || System.getProperty("os.arch", "").equals("aarch64");
    }

    /**
     * C tile at c[cOff] (MR rows of NR, row stride ldc) += the product of the micro-panels at
     * ap[aOff] and bp[bOff]. There is deliberately no store-only variant behind a flag: a branch
     * that C2 saw untaken compiles to a deoptimization trap, and the first product that took it
     * (the second depth slice) ran this kernel in the interpreter for seconds. Callers that want
     * C overwritten zero the tile first ({@link #zeroTile}).
     */
    static void kernel(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff,
                       int ldc) {
        if (STRIDED_A && WIDE) {
            wide(kc, ap, aOff, aRow, aStep, bp, bOff, c, cOff, ldc);
        } else if (STRIDED_A) {
            narrow(kc, ap, aOff, aRow, aStep, bp, bOff, c, cOff, ldc);
        } else {
            kernel(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        }
    }

    /** The kernel on a packed A micro-panel (row r of step p at aOff + p * MR + r). */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        if (STRIDED_A) {
            kernel(kc, ap, aOff, 1, MR, bp, bOff, c, cOff, ldc);
        } else if (MR == 12) {
            tall(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        } else {
            mid(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        }
    }

    /** Zeroes an MR x NR tile of C (row stride ldc). */
    static void zeroTile(float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j += L) {
                z.intoArray(c, cOff + r * ldc + j);
            }
        }
    }

    /** Writes bias[j0 .. j0 + NR) into each of the MR rows of a tile of C (row stride ldc). */
    static void biasTile(float[] c, int cOff, int ldc, float[] bias, int j0) {
        for (int j = 0; j < NR; j += L) {
            FloatVector b = FloatVector.fromArray(S, bias, j0 + j);
            for (int r = 0; r < MR; r++) {
                b.intoArray(c, cOff + r * ldc + j);
            }
        }
    }

    /**
     * The wide tile with A element (row r, step p) at ap[aOff + r * aRow + p * aStep]: a packed
     * micro-panel (aRow 1, aStep MR), six rows of a stored [m, k] A read in place (aRow lda, aStep 1),
     * or six columns of a stored [k, m] A read in place (aRow 1, aStep lda).
     */
    private static void wide(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        final int l = L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        int bEnd = bOff + kc * (4 * l);
        final int a1 = aRow;
        final int a2 = 2 * aRow;
        final int a3 = 3 * aRow;
        final int a4 = 4 * aRow;
        final int a5 = 5 * aRow;
        for (int bi = bOff, ai = aOff; bi < bEnd; bi += 4 * l, ai += aStep) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * l);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * l);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap[ai + a1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap[ai + a2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap[ai + a3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
            a = FloatVector.broadcast(S, ap[ai + a4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            c43 = a.fma(b3, c43);
            a = FloatVector.broadcast(S, ap[ai + a5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            c53 = a.fma(b3, c53);
        }
        int r0 = cOff;
        int r1 = r0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        c00 = c00.add(FloatVector.fromArray(S, c, r0));
        c01 = c01.add(FloatVector.fromArray(S, c, r0 + l));
        c02 = c02.add(FloatVector.fromArray(S, c, r0 + 2 * l));
        c03 = c03.add(FloatVector.fromArray(S, c, r0 + 3 * l));
        c10 = c10.add(FloatVector.fromArray(S, c, r1));
        c11 = c11.add(FloatVector.fromArray(S, c, r1 + l));
        c12 = c12.add(FloatVector.fromArray(S, c, r1 + 2 * l));
        c13 = c13.add(FloatVector.fromArray(S, c, r1 + 3 * l));
        c20 = c20.add(FloatVector.fromArray(S, c, r2));
        c21 = c21.add(FloatVector.fromArray(S, c, r2 + l));
        c22 = c22.add(FloatVector.fromArray(S, c, r2 + 2 * l));
        c23 = c23.add(FloatVector.fromArray(S, c, r2 + 3 * l));
        c30 = c30.add(FloatVector.fromArray(S, c, r3));
        c31 = c31.add(FloatVector.fromArray(S, c, r3 + l));
        c32 = c32.add(FloatVector.fromArray(S, c, r3 + 2 * l));
        c33 = c33.add(FloatVector.fromArray(S, c, r3 + 3 * l));
        c40 = c40.add(FloatVector.fromArray(S, c, r4));
        c41 = c41.add(FloatVector.fromArray(S, c, r4 + l));
        c42 = c42.add(FloatVector.fromArray(S, c, r4 + 2 * l));
        c43 = c43.add(FloatVector.fromArray(S, c, r4 + 3 * l));
        c50 = c50.add(FloatVector.fromArray(S, c, r5));
        c51 = c51.add(FloatVector.fromArray(S, c, r5 + l));
        c52 = c52.add(FloatVector.fromArray(S, c, r5 + 2 * l));
        c53 = c53.add(FloatVector.fromArray(S, c, r5 + 3 * l));
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c02.intoArray(c, r0 + 2 * l);
        c03.intoArray(c, r0 + 3 * l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c12.intoArray(c, r1 + 2 * l);
        c13.intoArray(c, r1 + 3 * l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c22.intoArray(c, r2 + 2 * l);
        c23.intoArray(c, r2 + 3 * l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
        c32.intoArray(c, r3 + 2 * l);
        c33.intoArray(c, r3 + 3 * l);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + l);
        c42.intoArray(c, r4 + 2 * l);
        c43.intoArray(c, r4 + 3 * l);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + l);
        c52.intoArray(c, r5 + 2 * l);
        c53.intoArray(c, r5 + 3 * l);
    }

    /** The narrow tile, with A addressed as in {@link #wide}. */
    private static void narrow(int kc, float[] ap, int aOff, int aRow, int aStep, float[] bp, int bOff, float[] c, int cOff,
                               int ldc) {
        final int l = L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        int bEnd = bOff + kc * (2 * l);
        final int a1 = aRow;
        final int a2 = 2 * aRow;
        final int a3 = 3 * aRow;
        final int a4 = 4 * aRow;
        final int a5 = 5 * aRow;
        for (int bi = bOff, ai = aOff; bi < bEnd; bi += 2 * l, ai += aStep) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + a1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + a2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + a3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + a4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + a5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        int r0 = cOff;
        int r1 = r0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        c00 = c00.add(FloatVector.fromArray(S, c, r0));
        c01 = c01.add(FloatVector.fromArray(S, c, r0 + l));
        c10 = c10.add(FloatVector.fromArray(S, c, r1));
        c11 = c11.add(FloatVector.fromArray(S, c, r1 + l));
        c20 = c20.add(FloatVector.fromArray(S, c, r2));
        c21 = c21.add(FloatVector.fromArray(S, c, r2 + l));
        c30 = c30.add(FloatVector.fromArray(S, c, r3));
        c31 = c31.add(FloatVector.fromArray(S, c, r3 + l));
        c40 = c40.add(FloatVector.fromArray(S, c, r4));
        c41 = c41.add(FloatVector.fromArray(S, c, r4 + l));
        c50 = c50.add(FloatVector.fromArray(S, c, r5));
        c51 = c51.add(FloatVector.fromArray(S, c, r5 + l));
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

    private static void tall(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        final int l = L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z;
        FloatVector c90 = z, c91 = z;
        FloatVector ca0 = z, ca1 = z;
        FloatVector cb0 = z, cb1 = z;
        int bEnd = bOff + kc * (2 * l);
        for (int bi = bOff, ai = aOff; bi < bEnd; bi += 2 * l, ai += 12) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            a = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = a.fma(b0, c80);
            c81 = a.fma(b1, c81);
            a = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = a.fma(b0, c90);
            c91 = a.fma(b1, c91);
            a = FloatVector.broadcast(S, ap[ai + 10]);
            ca0 = a.fma(b0, ca0);
            ca1 = a.fma(b1, ca1);
            a = FloatVector.broadcast(S, ap[ai + 11]);
            cb0 = a.fma(b0, cb0);
            cb1 = a.fma(b1, cb1);
        }
        int r0 = cOff;
        int r1 = r0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        int r6 = r5 + ldc;
        int r7 = r6 + ldc;
        int r8 = r7 + ldc;
        int r9 = r8 + ldc;
        int ra = r9 + ldc;
        int rb = ra + ldc;
        c00.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(FloatVector.fromArray(S, c, r0 + l)).intoArray(c, r0 + l);
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + l)).intoArray(c, r1 + l);
        c20.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(FloatVector.fromArray(S, c, r2 + l)).intoArray(c, r2 + l);
        c30.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(FloatVector.fromArray(S, c, r3 + l)).intoArray(c, r3 + l);
        c40.add(FloatVector.fromArray(S, c, r4)).intoArray(c, r4);
        c41.add(FloatVector.fromArray(S, c, r4 + l)).intoArray(c, r4 + l);
        c50.add(FloatVector.fromArray(S, c, r5)).intoArray(c, r5);
        c51.add(FloatVector.fromArray(S, c, r5 + l)).intoArray(c, r5 + l);
        c60.add(FloatVector.fromArray(S, c, r6)).intoArray(c, r6);
        c61.add(FloatVector.fromArray(S, c, r6 + l)).intoArray(c, r6 + l);
        c70.add(FloatVector.fromArray(S, c, r7)).intoArray(c, r7);
        c71.add(FloatVector.fromArray(S, c, r7 + l)).intoArray(c, r7 + l);
        c80.add(FloatVector.fromArray(S, c, r8)).intoArray(c, r8);
        c81.add(FloatVector.fromArray(S, c, r8 + l)).intoArray(c, r8 + l);
        c90.add(FloatVector.fromArray(S, c, r9)).intoArray(c, r9);
        c91.add(FloatVector.fromArray(S, c, r9 + l)).intoArray(c, r9 + l);
        ca0.add(FloatVector.fromArray(S, c, ra)).intoArray(c, ra);
        ca1.add(FloatVector.fromArray(S, c, ra + l)).intoArray(c, ra + l);
        cb0.add(FloatVector.fromArray(S, c, rb)).intoArray(c, rb);
        cb1.add(FloatVector.fromArray(S, c, rb + l)).intoArray(c, rb + l);
    }

    private static void mid(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        final int l = L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        int bEnd = bOff + kc * (3 * l);
        for (int bi = bOff, ai = aOff; bi < bEnd; bi += 3 * l, ai += 8) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + l);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * l);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            c42 = a.fma(b2, c42);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            c52 = a.fma(b2, c52);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            c62 = a.fma(b2, c62);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
            c72 = a.fma(b2, c72);
        }
        int r0 = cOff;
        int r1 = r0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        int r6 = r5 + ldc;
        int r7 = r6 + ldc;
        c00.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
        c01.add(FloatVector.fromArray(S, c, r0 + l)).intoArray(c, r0 + l);
        c02.add(FloatVector.fromArray(S, c, r0 + 2 * l)).intoArray(c, r0 + 2 * l);
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + l)).intoArray(c, r1 + l);
        c12.add(FloatVector.fromArray(S, c, r1 + 2 * l)).intoArray(c, r1 + 2 * l);
        c20.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(FloatVector.fromArray(S, c, r2 + l)).intoArray(c, r2 + l);
        c22.add(FloatVector.fromArray(S, c, r2 + 2 * l)).intoArray(c, r2 + 2 * l);
        c30.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(FloatVector.fromArray(S, c, r3 + l)).intoArray(c, r3 + l);
        c32.add(FloatVector.fromArray(S, c, r3 + 2 * l)).intoArray(c, r3 + 2 * l);
        c40.add(FloatVector.fromArray(S, c, r4)).intoArray(c, r4);
        c41.add(FloatVector.fromArray(S, c, r4 + l)).intoArray(c, r4 + l);
        c42.add(FloatVector.fromArray(S, c, r4 + 2 * l)).intoArray(c, r4 + 2 * l);
        c50.add(FloatVector.fromArray(S, c, r5)).intoArray(c, r5);
        c51.add(FloatVector.fromArray(S, c, r5 + l)).intoArray(c, r5 + l);
        c52.add(FloatVector.fromArray(S, c, r5 + 2 * l)).intoArray(c, r5 + 2 * l);
        c60.add(FloatVector.fromArray(S, c, r6)).intoArray(c, r6);
        c61.add(FloatVector.fromArray(S, c, r6 + l)).intoArray(c, r6 + l);
        c62.add(FloatVector.fromArray(S, c, r6 + 2 * l)).intoArray(c, r6 + 2 * l);
        c70.add(FloatVector.fromArray(S, c, r7)).intoArray(c, r7);
        c71.add(FloatVector.fromArray(S, c, r7 + l)).intoArray(c, r7 + l);
        c72.add(FloatVector.fromArray(S, c, r7 + 2 * l)).intoArray(c, r7 + 2 * l);
    }
}
