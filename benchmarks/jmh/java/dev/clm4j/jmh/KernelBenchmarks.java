package dev.clm4j.jmh;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.Tensor;
import dev.clm4j.tensor.cpu.CpuBackend;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kernel benchmarks of the cpu backend on the encoder's shapes (batch 32 x 128 tokens, hidden 384,
 * FFN 1536, 12 heads). GFLOP/s = flops / time: GEMM 2mnk; the masked update is memory-bound, so
 * read its bandwidth from (bytes moved) / time. Run: benchmarks/jmh.sh [JMH options].
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class KernelBenchmarks {
    @Param({"2"})
    int threads;

    CpuBackend cpu;
    Tensor x;       // [4096, 384]
    Tensor w;       // [1536, 384]
    Tensor wSmall;  // [384, 384]
    Tensor y;       // [4096, 1536]
    Tensor ySmall;  // [4096, 384]
    Tensor gamma;
    Tensor beta;
    Tensor q;
    Tensor k;
    Tensor v;
    Tensor mask;
    Tensor param;
    Tensor grad;
    Tensor m;
    Tensor vv;
    Indices maskIdx;

    private Tensor random(int... shape) {
        SplittableRandom rng = new SplittableRandom(shape.length * 31L + shape[0]);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return Tensor.host(a, shape);
    }

    @Setup(Level.Trial)
    public void setup() {
        cpu = new CpuBackend(threads);
        x = random(4096, 384);
        w = random(1536, 384);
        wSmall = random(384, 384);
        y = cpu.zeros(4096, 1536);
        ySmall = cpu.zeros(4096, 384);
        gamma = random(384);
        beta = random(384);
        q = random(4096, 384);
        k = random(4096, 384);
        v = random(4096, 384);
        mask = cpu.upload(new float[32 * 128], 32, 128);
        java.util.Arrays.fill(mask.data(), 1f);
        int n = 1536 * 384;
        param = random(n);
        int kept = n / 20;
        int[] idx = new int[kept];
        for (int i = 0; i < kept; i++) {
            idx[i] = i * 20;
        }
        maskIdx = new Indices(idx);
        grad = random(kept);
        m = cpu.zeros(kept);
        vv = cpu.zeros(kept);
    }

    @TearDown(Level.Trial)
    public void close() {
        cpu.close();
    }

    /** 2 * 4096 * 1536 * 384 = 4.83 GFLOP. */
    @Benchmark
    public Tensor gemmUp4096x1536x384() {
        cpu.matmulInto(x, false, w, true, y, 0f);
        return y;
    }

    /** 2 * 4096 * 384 * 384 = 1.21 GFLOP. */
    @Benchmark
    public Tensor gemmAttn4096x384x384() {
        cpu.matmulInto(x, false, wSmall, true, ySmall, 0f);
        return ySmall;
    }

    /** Weight gradient dY^T X: 2 * 1536 * 384 * 4096 = 4.83 GFLOP. */
    @Benchmark
    public Tensor gemmWeightGrad() {
        Tensor g = cpu.zeros(1536, 384);
        cpu.matmulInto(y, true, x, false, g, 0f);
        return g;
    }

    @Benchmark
    public Tensor attention32x12x128x32() {
        return cpu.attention(q, k, v, mask, 32, 12).out();
    }

    @Benchmark
    public LayerNormResult layerNorm4096x384() {
        return cpu.layerNorm(x, gamma, beta, 1e-12f);
    }

    /** 5% of a 1536 x 384 matrix: 29491 entries, (p, g, m, v read; p, m, v written, indices read) 32 B each. */
    @Benchmark
    public Tensor maskedAdamW() {
        cpu.maskedAdamW(param, maskIdx, grad, null, m, vv, new AdamWStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1));
        return param;
    }
}
