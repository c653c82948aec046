package dev.clm4j.tensor.cpu;
import java.lang.management.ManagementFactory;
/**
 * Not a test: times one encoder layer's GEMMs of a full training step at batch 32 x 64 (2,048
 * tokens) in three groups, forward X W^T, input gradients dY W and weight gradients dY^T X, each
 * the best of N passes. One thread (the default) is timed in the thread's CPU time, so that other
 * work on a shared machine counts less; {@code -Dthreads=2} times wall clock. For A/B checks of
 * the {@code clm.gemm.*} switches, run it alternately with and without one. After
 * {@code mvn test-compile} and the classpath file of {@link GemmProbe}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:$(cat target/test-classpath.txt) \
 *      [-Dclm.gemm.directAT=false] dev.clm4j.tensor.cpu.LayerGemmProbe [passes]
 * </pre>
 */
public final class LayerGemmProbe {
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int t = 2048, h = 384, f = 1536;
        // m, n, k, transA, transB, count
        int[][] shapes = {
            {t, h, h, 0, 1, 4}, {t, f, h, 0, 1, 1}, {t, h, f, 0, 1, 1},          // forward X W^T
            {t, h, h, 0, 0, 4}, {t, h, f, 0, 0, 1}, {t, f, h, 0, 0, 1},          // dX = dY W
            {h, h, t, 1, 0, 4}, {f, h, t, 1, 0, 1}, {h, f, t, 1, 0, 1},          // dW = dY^T X
        };
        var clock = ManagementFactory.getThreadMXBean();
        try (Parallel parallel = new Parallel(Integer.getInteger("threads", 1))) {
            Gemm g = new Gemm(parallel);
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            float[][] as = new float[shapes.length][], bs = new float[shapes.length][], cs = new float[shapes.length][];
            for (int s = 0; s < shapes.length; s++) {
                int[] q = shapes[s];
                as[s] = new float[q[0] * q[2]]; bs[s] = new float[q[2] * q[1]]; cs[s] = new float[q[0] * q[1]];
                for (int i = 0; i < as[s].length; i++) as[s][i] = (float) r.nextGaussian();
                for (int i = 0; i < bs[s].length; i++) bs[s][i] = (float) r.nextGaussian();
            }
            double[] best = new double[3];
            java.util.Arrays.fill(best, 1e30);
            double flopsGroup = 0;
            for (int s = 0; s < 3; s++) flopsGroup += 2.0 * shapes[s][0] * shapes[s][1] * shapes[s][2] * shapes[s][5];
            for (int rep = 0; rep < reps; rep++) {
                for (int grp = 0; grp < 3; grp++) {
                    long c0 = parallel.threads() == 1 ? clock.getCurrentThreadCpuTime() : System.nanoTime();
                    for (int s = grp * 3; s < grp * 3 + 3; s++) {
                        int[] q = shapes[s];
                        for (int c = 0; c < q[5]; c++) g.multiply(as[s], q[3] == 1, bs[s], q[4] == 1, cs[s], q[0], q[1], q[2], 0f);
                    }
                    long c1 = parallel.threads() == 1 ? clock.getCurrentThreadCpuTime() : System.nanoTime();
                    best[grp] = Math.min(best[grp], (c1 - c0) / 1e9);
                }
            }
            System.out.printf("forward %.1f  dX %.1f  dW %.1f GFLOP/s (best of %d); layer total %.1f ms%n",
                    flopsGroup / best[0] / 1e9, flopsGroup / best[1] / 1e9, flopsGroup / best[2] / 1e9, reps,
                    (best[0] + best[1] + best[2]) * 1e3);
        }
    }
}
