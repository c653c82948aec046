package dev.clm4j.tensor.cpu;

/**
 * Not a test: the cost of one short parallel loop on 2 threads (four tasks of {@code work} square
 * roots each) against the same work on one thread. Session 13: 40-65 us per loop with the old
 * ForkJoinPool on a 2-vCPU VM, about 1-2 us with {@link Parallel}'s spinning helpers. After
 * {@code mvn test-compile}:
 * <pre>
 * java -cp target/classes:target/test-classes dev.clm4j.tensor.cpu.ParallelProbe [loops] [work]
 * </pre>
 */
public final class ParallelProbe {
    static volatile double sink;
    public static void main(String[] args) {
        int loops = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        int workIters = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (Parallel p = new Parallel(2)) {
            double[] acc = new double[64];
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                for (int l = 0; l < loops; l++) {
                    p.forEach(4, i -> { double s = 0; for (int k = 0; k < workIters; k++) s += Math.sqrt(k + i); acc[i * 8] += s; });
                }
                long t1 = System.nanoTime();
                long s0 = System.nanoTime();
                for (int l = 0; l < loops; l++) {
                    for (int i = 0; i < 4; i++) { double s = 0; for (int k = 0; k < workIters; k++) s += Math.sqrt(k + i); acc[i * 8] += s; }
                }
                long s1 = System.nanoTime();
                System.out.printf("parallel %.1f us/loop, serial %.1f us/loop, speedup %.2f%n", (t1 - t0) / 1e3 / loops, (s1 - s0) / 1e3 / loops, (double) (s1 - s0) / (t1 - t0));
            }
            sink = acc[0];
        }
    }
}
