package dev.clm4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Elementwise ops and reductions of the cpu backend against the reference, on lengths around the
 * vector width and the parallel chunk. Tolerances: 1e-6 relative (1 + |expected|) for single
 * roundings (add, scale, bias); 1e-6 for GELU and its derivative (erfc approximation 1.2e-7
 * relative plus float rounding); reductions 1e-6 of the summed terms' magnitude (blocks of 64
 * float terms per lane, combined in double).
 */
class CpuElementwiseTest {
    private static final CpuBackend CPU = new CpuBackend(2);
    private final ReferenceBackend ref = new ReferenceBackend();
    private static final int[] LENGTHS = {1, 3, 15, 16, 17, 31, 129, 1000, 70001};

    @AfterAll
    static void close() {
        CPU.close();
    }

    @Test
    void addScaleAccumulate() {
        Rand r = new Rand(10);
        for (int n : LENGTHS) {
            Tensor a = r.uniform(ref, 4f, n);
            Tensor b = r.uniform(ref, 4f, n);
            Close.elementwise(ref.add(a, b).data(), CPU.add(a, b).data(), 1e-6, "add " + n);
            Tensor acc0 = ref.copy(a);
            Tensor acc1 = ref.copy(a);
            ref.addInto(acc0, b);
            CPU.addInto(acc1, b);
            Close.elementwise(acc0.data(), acc1.data(), 1e-6, "addInto " + n);
            ref.scaleInPlace(acc0, -0.3f);
            CPU.scaleInPlace(acc1, -0.3f);
            Close.elementwise(acc0.data(), acc1.data(), 1e-6, "scaleInPlace " + n);
        }
        assertThrows(IllegalArgumentException.class, () -> CPU.add(Tensor.host(new float[2], 2), Tensor.host(new float[3], 3)));
    }

    @Test
    void biasAddAndGradient() {
        Rand r = new Rand(11);
        int[][] shapes = {{1, 1}, {3, 17}, {37, 33}, {129, 31}, {300, 384}, {4097, 3}};
        for (int[] s : shapes) {
            int n = s[0], d = s[1];
            Tensor x = r.uniform(ref, 1f, n, d);
            Tensor bias = r.uniform(ref, 1f, d);
            Close.elementwise(ref.addBias(x, bias).data(), CPU.addBias(x, bias).data(), 1e-6, "addBias " + n + "x" + d);
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                Tensor g0 = r.uniform(ref, 1f, d);
                Tensor g1 = ref.copy(g0);
                Tensor mag = Tensor.host(Close.abs(g0.data()), d);
                ref.biasGradInto(Tensor.host(Close.abs(x.data()), x.shape()), mag, beta);
                ref.biasGradInto(x, g0, beta);
                CPU.biasGradInto(x, g1, beta);
                Close.scaled(g0.data(), g1.data(), mag.data(), 1e-6, "biasGrad " + n + "x" + d + " beta " + beta);
            }
        }
    }

    @Test
    void geluForwardAndBackward() {
        Rand r = new Rand(12);
        for (int n : LENGTHS) {
            Tensor x = r.uniform(ref, 6f, n);
            Tensor dy = r.uniform(ref, 1f, n);
            Close.elementwise(ref.gelu(x).data(), CPU.gelu(x).data(), 1e-6, "gelu " + n);
            Close.elementwise(ref.geluBackward(x, dy).data(), CPU.geluBackward(x, dy).data(), 1e-6, "geluBackward " + n);
        }
        // The tails and the middle, on a grid: relative error stays small where GELU is tiny, too.
        float[] grid = new float[4001];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = -20f + i * 0.01f;
        }
        Tensor x = Tensor.host(grid, grid.length);
        float[] expected = ref.gelu(x).data();
        float[] actual = CPU.gelu(x).data();
        for (int i = 0; i < grid.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            double allowed = 1e-6 * Math.abs(expected[i]) + 1e-30;
            if (grid[i] > -9f && err > allowed && err > 1e-7) {
                throw new AssertionError("gelu(" + grid[i] + ") = " + actual[i] + ", expected " + expected[i]);
            }
        }
        Tensor ones = Tensor.host(filled(grid.length, 1f), grid.length);
        Close.elementwise(ref.geluBackward(x, ones).data(), CPU.geluBackward(x, ones).data(), 1e-6, "gelu' grid");
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void sumSquaresAndDot() {
        Rand r = new Rand(13);
        for (int n : LENGTHS) {
            Tensor a = r.uniform(ref, 2f, n);
            Tensor b = r.uniform(ref, 2f, n);
            double mag = ref.dot(Tensor.host(Close.abs(a.data()), n), Tensor.host(Close.abs(b.data()), n));
            assertEquals(ref.sumSquares(a), CPU.sumSquares(a), 1e-6 * ref.sumSquares(a), "sumSquares " + n);
            assertEquals(ref.dot(a, b), CPU.dot(a, b), 1e-6 * mag, "dot " + n);
        }
        assertEquals(0.0, CPU.sumSquares(Tensor.host(new float[0], 0)));
    }
}
