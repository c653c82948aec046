package dev.clm4j.tensor.cpu;

import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;

/**
 * Not a test: prints GFLOP/s of the cpu GEMM on the encoder's shapes (run with
 * `java -cp ... dev.clm4j.tensor.cpu.GemmProbe [threads]`). JMH benchmarks live in benchmarks/.
 */
public final class GemmProbe {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        CpuBackend cpu = new CpuBackend(threads);
        ReferenceBackend ref = new ReferenceBackend();
        Rand r = new Rand(1);
        int[][] shapes = {{4096, 384, 384, 0}, {4096, 1536, 384, 0}, {4096, 384, 1536, 0}, {384, 384, 4096, 1}, {1536, 384, 4096, 1}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            boolean transA = s[3] == 1;
            Tensor a = transA ? r.uniform(ref, 1f, k, m) : r.uniform(ref, 1f, m, k);
            Tensor b = transA ? r.uniform(ref, 1f, k, n) : r.uniform(ref, 1f, n, k);
            Tensor c = ref.zeros(m, n);
            boolean transB = !transA;
            for (int i = 0; i < 5; i++) {
                cpu.matmulInto(a, transA, b, transB, c, 0f);
            }
            int iters = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                cpu.matmulInto(a, transA, b, transB, c, 0f);
            }
            double secs = (System.nanoTime() - t0) / 1e9 / iters;
            System.out.printf("m=%d n=%d k=%d transA=%b transB=%b: %.2f ms, %.1f GFLOP/s%n", m, n, k, transA, transB,
                    secs * 1e3, 2.0 * m * n * k / secs / 1e9);
        }
        cpu.close();
    }
}
