package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaTesting.close;
import static dev.clm4j.tensor.cuda.CudaTesting.identical;
import static dev.clm4j.tensor.cuda.CudaTesting.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Memory ops, GEMMs, the sparse row gradient, element-wise ops and reductions of the CUDA backend
 * against the reference backend, on odd sizes (1, 3, 17, 33, 129, 384 and random ones) that are
 * not multiples of a block or a warp. Tolerances per {@link CudaTesting}.
 */
class CudaDenseOpsTest {
    private static final int[] ODD = {1, 3, 17, 33, 129, 384};

    private final Backend ref = new ReferenceBackend();
    private CudaBackend cuda;

    @BeforeEach
    void cuda() {
        cuda = CudaTesting.cudaOrSkip();
    }

    @Test
    void memoryRoundTripsExactly() {
        Rand r = new Rand(1);
        float[] values = r.floats(1037, 3f);
        values[0] = Float.NaN;
        values[1] = -0f;
        values[2] = Float.MIN_VALUE;
        Tensor t = cuda.upload(values, 17, 61);
        assertEquals("cuda:" + Integer.getInteger("clm.cuda.device", 0), t.storage().device());
        identical(values, cuda.download(t), "upload/download");
        identical(values, cuda.download(cuda.copy(t)), "copy");
        identical(new float[12], cuda.download(cuda.zeros(3, 4)), "zeros");
        float[] other = r.floats(1037, 1f);
        cuda.write(t, other);
        identical(other, cuda.download(t), "write");
        identical(other, cuda.download(t.reshape(1037)), "reshape shares storage");
        assertEquals(0, cuda.download(cuda.zeros(0, 5)).length);
        assertEquals(0, cuda.download(cuda.upload(new float[0], 0)).length);
    }

    @Test
    void hostTensorsAreRejectedWithTheOpName() {
        Tensor host = Tensor.host(new float[4], 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.gelu(host));
        assertTrue(e.getMessage().contains("not on the cuda backend"), e.getMessage());
    }

    @Test
    void closedStorageFailsLoudly() {
        Tensor t = cuda.upload(new float[] {1, 2, 3}, 3);
        ((CudaStorage) t.storage()).close();
        assertThrows(IllegalStateException.class, () -> cuda.download(t));
    }

    @Test
    void matmulAllTransposesAndBetas() {
        Rand r = new Rand(2);
        int[][] shapes = {{1, 1, 1}, {3, 17, 33}, {33, 129, 17}, {129, 384, 3}, {384, 384, 129}, {17, 1, 384},
                {r.between(1, 200), r.between(1, 400), r.between(1, 200)}};
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Tensor a = ta ? r.uniform(ref, 1f, k, m) : r.uniform(ref, 1f, m, k);
                    Tensor b = tb ? r.uniform(ref, 1f, n, k) : r.uniform(ref, 1f, k, n);
                    for (float beta : new float[] {0f, 1f, 0.5f}) {
                        Tensor c0 = r.uniform(ref, 1f, m, n);
                        Tensor c1 = up(cuda, c0);
                        ref.matmulInto(a, ta, b, tb, c0, beta);
                        cuda.matmulInto(up(cuda, a), ta, up(cuda, b), tb, c1, beta);
                        close(c0, cuda.download(c1), 1e-5 * Math.sqrt(k),
                                "matmul " + m + "x" + k + "x" + n + " " + ta + "/" + tb + " beta " + beta);
                    }
                }
            }
        }
    }

    @Test
    void matmulWithBetaZeroIgnoresNaNInTheOutput() {
        Rand r = new Rand(3);
        Tensor a = r.uniform(ref, 1f, 5, 7);
        Tensor b = r.uniform(ref, 1f, 7, 3);
        float[] nan = new float[15];
        Arrays.fill(nan, Float.NaN);
        Tensor c = cuda.upload(nan, 5, 3);
        cuda.matmulInto(up(cuda, a), false, up(cuda, b), false, c, 0f);
        close(ref.matmul(a, false, b, false), cuda.download(c), 1e-5, "matmul beta 0 over NaN");
        Tensor d = cuda.matmul(up(cuda, a), false, up(cuda, b), false);
        close(ref.matmul(a, false, b, false), cuda.download(d), 1e-5, "matmul (allocating)");
    }

    @Test
    void matmulFoldsLeadingDimensionsAndHandlesEmptyInnerDimension() {
        Rand r = new Rand(4);
        Tensor a = r.uniform(ref, 1f, 2, 3, 5);
        Tensor b = r.uniform(ref, 1f, 5, 4);
        Tensor c0 = r.uniform(ref, 1f, 6, 4);
        Tensor c1 = up(cuda, c0);
        ref.matmulInto(a, false, b, false, c0, 1f);
        cuda.matmulInto(up(cuda, a), false, up(cuda, b), false, c1, 1f);
        close(c0, cuda.download(c1), 1e-5, "matmul rank 3");

        Tensor e0 = r.uniform(ref, 1f, 3, 4);
        Tensor e1 = up(cuda, e0);
        // a is stored [0, 3] and transposed: m = 3, k = 0, so c = beta * c.
        ref.matmulInto(ref.zeros(0, 3), true, ref.zeros(0, 4), false, e0, 0.5f);
        cuda.matmulInto(cuda.zeros(0, 3), true, cuda.zeros(0, 4), false, e1, 0.5f);
        close(e0, cuda.download(e1), 1e-7, "matmul k = 0");
    }

    @Test
    void matmulRejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> cuda.matmulInto(cuda.zeros(3, 4), false, cuda.zeros(5, 2), false, cuda.zeros(3, 2), 0f));
    }

    @Test
    void rowGradientMatchesForSelectedRows() {
        Rand r = new Rand(5);
        int[][] shapes = {{1, 1, 1}, {67, 129, 45}, {384, 33, 384}, {17, 1536, 3}};
        for (int[] s : shapes) {
            int n = s[0];
            int out = s[1];
            int in = s[2];
            Tensor dy = r.uniform(ref, 1f, n, out);
            Tensor x = r.uniform(ref, 1f, n, in);
            Indices rows = new Indices(r.subset(out, 0.2));
            for (float beta : new float[] {0f, 1f}) {
                Tensor o0 = r.uniform(ref, 1f, rows.length(), in);
                Tensor o1 = up(cuda, o0);
                ref.rowGradInto(dy, x, rows, o0, beta);
                cuda.rowGradInto(up(cuda, dy), up(cuda, x), rows, o1, beta);
                close(o0, cuda.download(o1), 1e-5 * Math.sqrt(n), "rowGrad " + Arrays.toString(s) + " beta " + beta);
            }
        }
        Indices none = new Indices(new int[0]);
        cuda.rowGradInto(cuda.zeros(3, 4), cuda.zeros(3, 5), none, cuda.zeros(0, 5), 0f);
        Indices outside = Indices.of(4);
        assertThrows(IllegalArgumentException.class,
                () -> cuda.rowGradInto(cuda.zeros(3, 4), cuda.zeros(3, 5), outside, cuda.zeros(1, 5), 0f));
    }

    @Test
    void elementwiseAddScaleAndGelu() {
        Rand r = new Rand(6);
        for (int n : new int[] {1, 3, 17, 33, 129, 384, 1000, 70001}) {
            Tensor a = r.uniform(ref, 4f, n);
            Tensor b = r.uniform(ref, 4f, n);
            if (n > 10) {
                a.data()[0] = 0f;
                a.data()[1] = -9.5f;
                a.data()[2] = 9.5f;
            }
            Tensor ca = up(cuda, a);
            Tensor cb = up(cuda, b);
            close(ref.add(a, b), cuda.download(cuda.add(ca, cb)), 1e-6, "add " + n);
            close(ref.gelu(a), cuda.download(cuda.gelu(ca)), 2e-6, "gelu " + n);
            close(ref.geluBackward(a, b), cuda.download(cuda.geluBackward(ca, cb)), 2e-6, "geluBackward " + n);
            Tensor acc0 = ref.copy(a);
            ref.addInto(acc0, b);
            cuda.addInto(ca, cb);
            close(acc0, cuda.download(ca), 1e-6, "addInto " + n);
            ref.scaleInPlace(acc0, 0.3f);
            cuda.scaleInPlace(ca, 0.3f);
            close(acc0, cuda.download(ca), 1e-6, "scale " + n);
        }
    }

    @Test
    void elementwiseBeyondOneGridOfBlocks() {
        // More than 65536 blocks x 256 threads: the grid-stride loop must cover the tail.
        int n = (1 << 24) + 1001;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 1000;
            b[i] = 1f;
        }
        Tensor ca = cuda.upload(a, n);
        cuda.addInto(ca, cuda.upload(b, n));
        float[] sum = cuda.download(ca);
        for (int i = 0; i < n; i++) {
            if (sum[i] != (i % 1000) + 1f) {
                throw new AssertionError("addInto at " + i + ": " + sum[i]);
            }
        }
    }

    @Test
    void biasAddAndGradient() {
        Rand r = new Rand(7);
        int[][] shapes = {{1, 1}, {37, 33}, {129, 384}, {4100, 17}, {3, 1000}};
        for (int[] s : shapes) {
            int rows = s[0];
            int d = s[1];
            Tensor x = r.uniform(ref, 1f, rows, d);
            Tensor bias = r.uniform(ref, 1f, d);
            close(ref.addBias(x, bias), cuda.download(cuda.addBias(up(cuda, x), up(cuda, bias))), 1e-6,
                    "addBias " + rows + "x" + d);
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                Tensor g0 = r.uniform(ref, 1f, d);
                Tensor g1 = up(cuda, g0);
                ref.biasGradInto(x, g0, beta);
                cuda.biasGradInto(up(cuda, x), g1, beta);
                close(g0, cuda.download(g1), 1e-5 * Math.sqrt(rows), "biasGrad " + rows + "x" + d + " beta " + beta);
            }
        }
    }

    @Test
    void sumOfSquaresAndDotInDouble() {
        Rand r = new Rand(8);
        for (int n : new int[] {1, 3, 17, 33, 129, 384, 1000, 1_000_003}) {
            Tensor a = r.uniform(ref, 2f, n);
            Tensor b = r.uniform(ref, 2f, n);
            double s0 = ref.sumSquares(a);
            double s1 = cuda.sumSquares(up(cuda, a));
            assertEquals(s0, s1, 1e-12 * Math.abs(s0) * Math.sqrt(n), "sumSquares " + n);
            double d0 = ref.dot(a, b);
            double d1 = cuda.dot(up(cuda, a), up(cuda, b));
            assertEquals(d0, d1, 1e-12 * ref.sumSquares(a) * Math.sqrt(n) + 1e-12, "dot " + n);
        }
        assertEquals(0.0, cuda.sumSquares(cuda.zeros(0)));
    }
}
