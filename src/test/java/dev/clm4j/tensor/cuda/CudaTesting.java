package dev.clm4j.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clm4j.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared pieces of the CUDA tests: the backend (or a skip when there is no GPU), host-to-device
 * copies of reference inputs, and the comparison rule.
 *
 * <p>Comparison: every entry must satisfy |cuda - ref| <= tol * (1 + |ref|). The reference sums in
 * double and the kernels in float (in a different order), so tolerances are about 1e-5 for plain
 * fp32 work, scaled by sqrt(length) for long sums, and looser (1e-4) where errors compound
 * (attention and LayerNorm gradients).
 */
final class CudaTesting {
    private CudaTesting() {
    }

    /** The CUDA backend, or a skipped test (with the reason) when CUDA is not usable here. */
    static CudaBackend cudaOrSkip() {
        Assumptions.assumeTrue(CudaBackend.isAvailable(), () -> "CUDA not available: " + CudaBackend.unavailableReason());
        return CudaBackend.create(0);
    }

    /** A device copy of a host tensor. */
    static Tensor up(CudaBackend cuda, Tensor host) {
        return cuda.upload(host.data(), host.shape());
    }

    static void close(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) expected[i] - actual[i]);
            if (!(err <= tol * (1 + Math.abs(expected[i])))) {  // also fails on NaN
                throw new AssertionError(what + ": entry " + i + " of " + expected.length + " expected " + expected[i]
                        + " got " + actual[i] + " (tolerance " + tol + ")");
            }
        }
    }

    static void close(Tensor expectedHost, float[] actual, double tol, String what) {
        close(expectedHost.data(), actual, tol, what);
    }

    /** Exact equality, bit for bit (distinguishes -0 and NaN payloads). */
    static void identical(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": entry " + i + " expected " + expected[i] + " got " + actual[i]);
            }
        }
    }
}
