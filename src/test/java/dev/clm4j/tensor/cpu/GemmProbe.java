package dev.clm4j.tensor.cpu;

import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Not a test: prints the GFLOP/s of the cpu GEMM on the encoder's shapes, next to the FMA roofline
 * this JVM reaches on one core and the reference backend's scalar loop. Run after
 * {@code mvn test-compile} and
 * {@code mvn dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt} with
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/test-classpath.txt) \
 *      dev.clm4j.tensor.cpu.GemmProbe [threads] [seconds-per-shape]
 * </pre>
 * One-thread rates are per second of the thread's own CPU time, so that other processes on a
 * shared machine do not count against the kernel; multi-thread rates are wall-clock.
 */
public final class GemmProbe {
    private static final ThreadMXBean CLOCK = ManagementFactory.getThreadMXBean();

    /** m, n, k, transA, transB: the encoder's products at batch 32 x 128 tokens, forward and backward. */
    private static final int[][] SHAPES = {
        {4096, 384, 384, 0, 1},   // attention projections: X W^T
        {4096, 1536, 384, 0, 1},  // FFN up
        {4096, 384, 1536, 0, 1},  // FFN down
        {4096, 384, 1536, 0, 0},  // backward dX = dY W (FFN up)
        {384, 384, 4096, 1, 0},   // backward dW = dY^T X (projections)
        {1536, 384, 4096, 1, 0},  // backward dW (FFN up)
        {384, 1536, 4096, 1, 0},  // backward dW (FFN down)
    };

    private GemmProbe() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        System.out.printf("vector species %s (%d lanes), kernel %s %dx%d, %d threads%n", GemmKernels.S,
                GemmKernels.L, GemmKernels.WIDE ? "wide" : "narrow", GemmKernels.MR, GemmKernels.NR, threads);
        double roof = fmaRoofline();
        System.out.printf("FMA roofline, one core: %.1f GFLOP/s (register-only loop, CPU time)%n", roof);
        System.out.println("GFLOP/s; one-thread and per-CPU-second rates count only CPU time actually received");
        try (Parallel one = new Parallel(1); Parallel many = new Parallel(threads)) {
            Gemm single = new Gemm(one);
            Gemm multi = new Gemm(many);
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                boolean ta = s[3] == 1, tb = s[4] == 1;
                SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
                float[] a = random(rng, m * k);
                float[] b = random(rng, k * n);
                float[] c = new float[m * n];
                double flops = 2.0 * m * n * k;
                double g1 = rate(() -> single.multiply(a, ta, b, tb, c, m, n, k, 0f), flops, seconds, Clock.THREAD_CPU);
                double gt = rate(() -> multi.multiply(a, ta, b, tb, c, m, n, k, 0f), flops, seconds, Clock.WALL);
                double gp = rate(() -> multi.multiply(a, ta, b, tb, c, m, n, k, 0f), flops, seconds, Clock.PROCESS_CPU);
                double naive = naiveRate(a, ta, b, tb, m, n, k);
                System.out.printf("%5d x %5d x %5d %-5s| 1 thread %6.1f (%3.0f%% of roofline) | %d threads %6.1f wall,"
                                + " %6.1f per CPU-second | reference loop %.2f%n",
                        m, n, k, (ta ? "A^T" : "A") + (tb ? "B^T" : "B"), g1, 100 * g1 / roof, threads, gt, gp, naive);
            }
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    private enum Clock {
        WALL, THREAD_CPU, PROCESS_CPU;

        long now() {
            switch (this) {
                case THREAD_CPU:
                    return CLOCK.getCurrentThreadCpuTime();
                case PROCESS_CPU:
                    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getProcessCpuTime();
                default:
                    return System.nanoTime();
            }
        }
    }

    /**
     * Best GFLOP/s over repeated samples filling the time budget, after a warm-up. The best sample,
     * not the mean: on a shared machine the best is the one least disturbed by other processes.
     * Each sample repeats the product for at least 100 ms of wall time, because the process CPU clock
     * advances in scheduler ticks: timed one product at a time it read 0 ns for the small shapes, and
     * a tick of a few ms must be small against the sample.
     */
    private static double rate(Runnable op, double flops, double seconds, Clock clock) {
        for (int i = 0; i < 3; i++) {
            op.run();
        }
        double best = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = clock.now();
            long wallEnd = System.nanoTime() + 100_000_000L;
            int reps = 0;
            do {
                op.run();
                reps++;
            } while (System.nanoTime() < wallEnd);
            long t1 = clock.now();
            if (t1 > t0) {
                best = Math.max(best, reps * flops / (t1 - t0));
            }
        } while (System.nanoTime() < end);
        return best;
    }

    /** The reference backend's loop on the first rows of op(A) (its rate does not depend on m). */
    private static double naiveRate(float[] a, boolean ta, float[] b, boolean tb, int m, int n, int k) {
        int rows = Math.min(m, 24);
        float[] aRows = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < k; p++) {
                aRows[i * k + p] = ta ? a[p * m + i] : a[i * k + p];
            }
        }
        // Keep the transposes of op(A): time the reference on [k, rows] when A is transposed.
        Tensor at = ta ? Tensor.host(transpose(aRows, rows, k), k, rows) : Tensor.host(aRows, rows, k);
        Tensor bt = tb ? Tensor.host(b, n, k) : Tensor.host(b, k, n);
        Tensor ct = Tensor.host(new float[rows * n], rows, n);
        ReferenceBackend ref = new ReferenceBackend();
        return rate(() -> ref.matmulInto(at, ta, bt, tb, ct, 0f), 2.0 * rows * n * k, 0.5, Clock.THREAD_CPU);
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** 12 independent FMA chains in registers: the most this JVM gets from one core. */
    private static double fmaRoofline() {
        double best = 0;
        float sink = 0;
        for (int rep = 0; rep < 200; rep++) {
            int iters = 200_000;
            long t0 = CLOCK.getCurrentThreadCpuTime();
            sink += fmaChains(iters);
            long t1 = CLOCK.getCurrentThreadCpuTime();
            best = Math.max(best, iters * 12.0 * 2 * S.length() / Math.max(1, t1 - t0));
        }
        if (sink == 42f) {
            System.out.println();
        }
        return best;
    }

    private static float fmaChains(int iters) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f);
        FloatVector b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1), c1 = FloatVector.broadcast(S, 2), c2 = FloatVector.broadcast(S, 3);
        FloatVector c3 = FloatVector.broadcast(S, 4), c4 = FloatVector.broadcast(S, 5), c5 = FloatVector.broadcast(S, 6);
        FloatVector c6 = FloatVector.broadcast(S, 7), c7 = FloatVector.broadcast(S, 8), c8 = FloatVector.broadcast(S, 9);
        FloatVector c9 = FloatVector.broadcast(S, 10), c10 = FloatVector.broadcast(S, 11), c11 = FloatVector.broadcast(S, 12);
        for (int i = 0; i < iters; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
