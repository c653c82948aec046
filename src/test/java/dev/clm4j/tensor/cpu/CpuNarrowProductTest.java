package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The in-place two-vector-wide product against the reference matmul: odd row counts (tiles of six
 * plus leftover rows) and depths, A stored plainly or transposed, and operands that are strided
 * views inside larger arrays (as attention heads are), with the entries around C left untouched.
 */
class CpuNarrowProductTest {
    private final ReferenceBackend ref = new ReferenceBackend();

    @Test
    void matchesTheReferenceOnStridedViews() {
        int n = NarrowProduct.WIDTH;
        assertTrue(NarrowProduct.handles(n) || NarrowProduct.L < 8);
        Rand r = new Rand(77);
        int[][] shapes = {{1, 1}, {5, 3}, {6, 1}, {7, 17}, {13, 128}, {128, 61}, {61, 128}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1];
            for (boolean transA : new boolean[] {false, true}) {
                String what = String.format("narrow m=%d k=%d transA=%b", m, k, transA);
                // op(A) is m x k; stored [m, k] or [k, m], with 3 spare columns and an offset of 5.
                int aRows = transA ? k : m, aCols = transA ? m : k, lda = aCols + 3;
                float[] a = r.uniform(ref, 1f, aRows * lda + 5, 1).data();
                int ldb = n + 7;
                float[] b = r.uniform(ref, 1f, k * ldb + 2, 1).data();
                int ldc = n + 9;
                float[] c = new float[m * ldc + 4];
                java.util.Arrays.fill(c, 42f);
                NarrowProduct.multiply(new MatrixView(a, 5, lda), transA, new MatrixView(b, 2, ldb), new MatrixView(c, 4, ldc), m, k);

                Tensor aDense = Tensor.host(dense(a, 5, lda, aRows, aCols), aRows, aCols);
                Tensor bDense = Tensor.host(dense(b, 2, ldb, k, n), k, n);
                float[] expected = ref.matmul(aDense, transA, bDense, false).data();
                float[] scale = ref.matmul(Tensor.host(Close.abs(aDense.data()), aRows, aCols), transA,
                        Tensor.host(Close.abs(bDense.data()), k, n), false).data();
                Close.scaled(expected, dense(c, 4, ldc, m, n), scale, 1e-6, what);
                for (int i = 0; i < c.length; i++) {
                    boolean inside = i >= 4 && (i - 4) / ldc < m && (i - 4) % ldc < n;
                    assertTrue(inside || c[i] == 42f, what + ": wrote outside C at " + i);
                }
            }
        }
    }

    private static float[] dense(float[] x, int off, int ld, int rows, int cols) {
        float[] d = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, off + i * ld, d, i * cols, cols);
        }
        return d;
    }
}
