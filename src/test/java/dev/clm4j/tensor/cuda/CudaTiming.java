package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.Tensor;
import java.util.Locale;

/**
 * A small timing of the CUDA backend at all-MiniLM-L6-v2 sizes (batch 32 x 128 tokens, hidden 384,
 * 12 heads, FFN 1536, 22.7M parameters). Not a unit test: run by native/gpu-check.sh as
 * {@code java ... dev.clm4j.tensor.cuda.CudaTiming}. One line per measurement; bandwidths count
 * the bytes each kernel must move at least.
 */
public final class CudaTiming {
    private static final int TOKENS = 32 * 128;
    private static final int HIDDEN = 384;
    private static final int FFN = 1536;
    private static final int PARAMS = 22_700_000;

    private final CudaBackend cuda;
    private final Rand rand = new Rand(7);

    private CudaTiming(CudaBackend cuda) {
        this.cuda = cuda;
    }

    public static void main(String[] args) {
        if (!CudaBackend.isAvailable()) {
            System.out.println("CUDA not available: " + CudaBackend.unavailableReason());
            System.exit(3);
        }
        CudaBackend cuda = CudaBackend.create(0);
        System.out.println("device: " + cuda.describe());
        new CudaTiming(cuda).run();
    }

    private Tensor random(float scale, int... shape) {
        return rand.uniform(cuda, scale, shape);
    }

    /** Mean milliseconds per run of the body, after warm-up, measured over whole queued batches. */
    private double time(int iterations, Runnable body) {
        for (int i = 0; i < 3; i++) {
            body.run();
        }
        cuda.synchronize();
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            body.run();
        }
        cuda.synchronize();
        return (System.nanoTime() - start) / 1e6 / iterations;
    }

    private static void report(String what, double ms, String extra) {
        System.out.println(String.format(Locale.ROOT, "%-44s %9.3f ms   %s", what, ms, extra));
    }

    private static String gbps(double bytes, double ms) {
        return String.format(Locale.ROOT, "%.0f GB/s", bytes / (ms * 1e-3) / 1e9);
    }

    private static String tflops(double flops, double ms) {
        return String.format(Locale.ROOT, "%.1f TFLOP/s", flops / (ms * 1e-3) / 1e12);
    }

    private void run() {
        int n = 64 << 20;
        Tensor big = random(1f, n);
        Tensor big2 = random(1f, n);
        double add = time(20, () -> cuda.addInto(big, big2));
        report("addInto 64M floats (bandwidth)", add, gbps(12.0 * n, add));
        CudaDevice.free(big);
        CudaDevice.free(big2);

        Tensor x = random(1f, TOKENS, HIDDEN);
        Tensor w1 = random(0.05f, HIDDEN, FFN);
        Tensor h = cuda.zeros(TOKENS, FFN);
        double gemm = time(20, () -> cuda.matmulInto(x, false, w1, false, h, 0f));
        report("GEMM 4096x384 . 384x1536", gemm, tflops(2.0 * TOKENS * HIDDEN * FFN, gemm));
        Tensor dh = random(1f, TOKENS, FFN);
        Tensor dw = cuda.zeros(HIDDEN, FFN);
        double gemmT = time(20, () -> cuda.matmulInto(x, true, dh, false, dw, 0f));
        report("GEMM 384x4096 . 4096x1536 (weight grad)", gemmT, tflops(2.0 * TOKENS * HIDDEN * FFN, gemmT));
        Indices rows = new Indices(rand.subset(FFN, 0.1));
        Tensor rg = cuda.zeros(rows.length(), HIDDEN);
        double rowGrad = time(20, () -> cuda.rowGradInto(dh, x, rows, rg, 0f));
        report("rowGrad 10% of 1536 rows (in 384)", rowGrad, tflops(2.0 * TOKENS * HIDDEN * rows.length(), rowGrad));

        double gelu = time(50, () -> cuda.gelu(h));
        report("GELU 4096x1536", gelu, gbps(8.0 * TOKENS * FFN, gelu));
        Tensor gamma = random(1f, HIDDEN);
        Tensor beta = random(1f, HIDDEN);
        double ln = time(50, () -> cuda.layerNorm(x, gamma, beta, 1e-12f));
        report("LayerNorm 4096x384", ln, gbps(8.0 * TOKENS * HIDDEN, ln));
        LayerNormResult saved = cuda.layerNorm(x, gamma, beta, 1e-12f);
        Tensor dGamma = cuda.zeros(HIDDEN);
        Tensor dBeta = cuda.zeros(HIDDEN);
        double lnb = time(50, () -> cuda.layerNormBackward(x, x, gamma, saved, dGamma, dBeta, true));
        report("LayerNorm backward 4096x384", lnb, gbps(20.0 * TOKENS * HIDDEN, lnb));

        Tensor q = random(1f, TOKENS, HIDDEN);
        Tensor k = random(1f, TOKENS, HIDDEN);
        Tensor v = random(1f, TOKENS, HIDDEN);
        Tensor mask = rand.paddingMask(cuda, 32, 128);
        double att = time(20, () -> cuda.attention(q, k, v, mask, 32, 12));
        report("attention forward 32x128, 12 heads of 32", att, "");
        Tensor probs = cuda.attention(q, k, v, mask, 32, 12).probs();
        double attB = time(20, () -> cuda.attentionBackward(q, q, k, v, probs, 32, 12));
        report("attention backward 32x128, 12 heads of 32", attB, "");

        Tensor p = random(1f, PARAMS);
        Tensor g = random(1f, PARAMS);
        Tensor m = cuda.zeros(PARAMS);
        Tensor s = cuda.zeros(PARAMS);
        AdamWStep step = new AdamWStep(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1);
        double adam = time(20, () -> cuda.adamW(p, g, m, s, step));
        report("AdamW dense 22.7M", adam, gbps(28.0 * PARAMS, adam));
        int[] idx = rand.subset(PARAMS, 0.01);
        Indices paramIdx = new Indices(idx);
        Tensor gc = random(1f, idx.length);
        Tensor mc = cuda.zeros(idx.length);
        Tensor vc = cuda.zeros(idx.length);
        double masked = time(50, () -> cuda.maskedAdamW(p, paramIdx, gc, null, mc, vc, step));
        report("masked AdamW 1% of 22.7M (" + idx.length + ")", masked, gbps(32.0 * idx.length, masked));
        double norm = time(20, () -> cuda.sumSquares(p));
        report("sumSquares 22.7M (includes the download)", norm, gbps(4.0 * PARAMS, norm));
    }
}
