package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Products of the cpu backend against the reference: every transpose combination, beta 0, 1 and
 * other, sizes that are not multiples of the vector width (16), the register tile (6 x 64), the
 * depth slice (384) or the row block (96), on 1, 2 and 3 threads. Tolerance: 1e-5 of the terms'
 * magnitude (|A| |B| + |beta C|) per entry; a float sum of k terms with blocked FMA accumulation
 * typically errs by sqrt(k) * 6e-8 of it (4e-6 at k = 4096).
 */
class CpuGemmTest {
    private static final CpuBackend[] CPU = {new CpuBackend(1), new CpuBackend(2), new CpuBackend(3)};
    private static final double TOL = 1e-5;
    private final ReferenceBackend ref = new ReferenceBackend();

    @AfterAll
    static void close() {
        for (CpuBackend b : CPU) {
            b.close();
        }
    }

    /** m, n, k: odd sizes, edges of every blocking level, and products big enough to run in parallel. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 17, 3}, {3, 1, 31}, {17, 31, 1}, {5, 64, 16}, {6, 65, 17}, {7, 63, 129},
        {31, 129, 17}, {129, 3, 31}, {97, 130, 385}, {200, 129, 777}, {12, 300, 64}, {385, 70, 33},
    };

    @Test
    void allTransposesAndBetas() {
        Rand r = new Rand(1);
        int shape = 0;
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            CpuBackend cpu = CPU[shape++ % CPU.length];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Tensor a = ta ? r.uniform(ref, 1f, k, m) : r.uniform(ref, 1f, m, k);
                    Tensor b = tb ? r.uniform(ref, 1f, n, k) : r.uniform(ref, 1f, k, n);
                    float[] termScale = ref.matmul(Tensor.host(Close.abs(a.data()), a.shape()), ta,
                            Tensor.host(Close.abs(b.data()), b.shape()), tb).data();
                    for (float beta : new float[] {0f, 1f, 0.37f}) {
                        Tensor c0 = r.uniform(ref, 1f, m, n);
                        Tensor c1 = ref.copy(c0);
                        if (beta == 0f) {
                            Arrays.fill(c1.data(), Float.NaN); // beta = 0 must not read C
                        }
                        float[] scale = termScale.clone();
                        for (int i = 0; i < scale.length; i++) {
                            scale[i] += Math.abs(beta * c0.data()[i]);
                        }
                        ref.matmulInto(a, ta, b, tb, c0, beta);
                        cpu.matmulInto(a, ta, b, tb, c1, beta);
                        Close.scaled(c0.data(), c1.data(), scale, TOL, String.format(
                                "%dx%dx%d transA=%b transB=%b beta=%s threads=%d", m, n, k, ta, tb, beta, cpu.threads()));
                    }
                }
            }
        }
    }

    /** The linear layer's product with the bias fused into the tile initialisation, and with GELU after it. */
    @Test
    void linearWithFusedBias() {
        Rand r = new Rand(4);
        int shape = 0;
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            CpuBackend cpu = CPU[shape++ % CPU.length];
            Tensor x = r.uniform(ref, 1f, m, k);
            Tensor w = r.uniform(ref, 1f, n, k);
            Tensor bias = r.uniform(ref, 1f, n);
            float[] scale = ref.matmul(Tensor.host(Close.abs(x.data()), x.shape()), false,
                    Tensor.host(Close.abs(w.data()), w.shape()), true).data();
            for (int i = 0; i < scale.length; i++) {
                scale[i] += Math.abs(bias.data()[i % n]);
            }
            String what = String.format("%dx%dx%d threads=%d", m, n, k, cpu.threads());
            Close.scaled(ref.linear(x, w, bias).data(), cpu.linear(x, w, bias).data(), scale, TOL, what);
            Close.scaled(ref.linear(x, w, null).data(), cpu.linear(x, w, null).data(), scale, TOL, what + " no bias");
            // GELU applied to each finished block of the product (|GELU'| <= 1.13, so the same tolerance
            // on 1.2 times the scale).
            float[] geluScale = scale.clone();
            for (int i = 0; i < geluScale.length; i++) {
                geluScale[i] *= 1.2f;
            }
            Close.scaled(ref.gelu(ref.linear(x, w, bias)).data(), cpu.linearGelu(x, w, bias).data(), geluScale, TOL,
                    what + " gelu");
        }
    }

    @Test
    void emptyDepthScalesByBeta() {
        Tensor a = Tensor.host(new float[0], 0, 3); // op(A) = A^T is 3 x 0
        Tensor b = Tensor.host(new float[0], 0, 2);
        Tensor c = Tensor.host(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        CPU[1].matmulInto(a, true, b, false, c, 0.5f);
        assertEquals(3f, c.data()[5]);
        CPU[1].matmulInto(a, true, b, false, c, 0f);
        assertEquals(0f, c.data()[0]);
    }

    @Test
    void mismatchedShapesAreRejected() {
        Tensor a = Tensor.host(new float[6], 2, 3);
        Tensor c = Tensor.host(new float[4], 2, 2);
        assertThrows(IllegalArgumentException.class, () -> CPU[0].matmulInto(a, false, a, false, c, 0f));
    }

    /** Strided views (as attention uses them): only the addressed block of C changes. */
    @Test
    void stridedViews() {
        Rand r = new Rand(2);
        int m = 13, n = 70, k = 40, lda = 50, ldb = 90, ldc = 100;
        float[] a = r.floats(5 + m * lda, 1f);
        float[] b = r.floats(7 + k * ldb, 1f);
        float[] c = r.floats(9 + m * ldc, 1f);
        float[] before = c.clone();
        new Gemm(new Parallel(1)).multiply(new MatrixView(a, 5, lda), false, new MatrixView(b, 7, ldb), false,
                new MatrixView(c, 9, ldc), m, n, k, 1f, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int at = 9 + i * ldc + j;
                if (j >= n) {
                    assertEquals(before[at], c[at], "outside the view, row " + i + " column " + j);
                    continue;
                }
                double s = before[at];
                double mag = Math.abs(before[at]);
                for (int p = 0; p < k; p++) {
                    s += (double) a[5 + i * lda + p] * b[7 + p * ldb + j];
                    mag += Math.abs((double) a[5 + i * lda + p] * b[7 + p * ldb + j]);
                }
                assertEquals(s, c[at], TOL * mag, "row " + i + " column " + j);
            }
        }
        assertEquals(before[8], c[8]);
    }

    @Test
    void rowGradient() {
        Rand r = new Rand(3);
        int[][] shapes = {{1, 3, 1}, {17, 31, 17}, {129, 129, 45}, {300, 77, 384}, {64, 1, 3}};
        int shape = 0;
        for (int[] s : shapes) {
            int n = s[0], out = s[1], in = s[2];
            CpuBackend cpu = CPU[shape++ % CPU.length];
            Tensor dy = r.uniform(ref, 1f, n, out);
            Tensor x = r.uniform(ref, 1f, n, in);
            Indices rows = new Indices(r.subset(out, 0.3));
            for (float beta : new float[] {0f, 1f}) {
                Tensor o0 = r.uniform(ref, 1f, rows.length(), in);
                Tensor o1 = ref.copy(o0);
                Tensor mag = Tensor.host(Close.abs(o0.data()), o0.shape());
                ref.rowGradInto(Tensor.host(Close.abs(dy.data()), dy.shape()), Tensor.host(Close.abs(x.data()), x.shape()),
                        rows, mag, beta);
                ref.rowGradInto(dy, x, rows, o0, beta);
                cpu.rowGradInto(dy, x, rows, o1, beta);
                Close.scaled(o0.data(), o1.data(), mag.data(), TOL, "rowGrad n=" + n + " out=" + out + " in=" + in
                        + " beta=" + beta);
            }
        }
        Tensor dy = Tensor.host(new float[6], 2, 3);
        Tensor x = Tensor.host(new float[4], 2, 2);
        assertThrows(IllegalArgumentException.class,
                () -> CPU[0].rowGradInto(dy, x, Indices.of(3), Tensor.host(new float[2], 1, 2), 0f));
    }
}
