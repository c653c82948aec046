package dev.clm4j.tensor.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusName;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Single-precision GEMM on cuBLAS for row-major matrices.
 *
 * <p>cuBLAS is column-major. A row-major matrix read as column-major is its transpose, so the
 * row-major product C = op(A) op(B) is computed as the column-major product C^T = op(B)^T op(A)^T:
 * swap the operands (B first), keep each operand's own transpose flag, and use each matrix's
 * row-major column count as its leading dimension.
 *
 * <p>TF32 tensor cores are off unless {@code -Dclm.cuda.tf32=true}: they round the inputs to a
 * 10-bit mantissa, which is fine for training but not for comparing against the reference.
 * The handle uses the legacy default stream, like the hand-written kernels.
 */
final class Cublas {
    private final CudaContext context;
    private final cublasContext handle = new cublasContext();
    private final boolean tf32;
    private final FloatPointer alpha = new FloatPointer(1);
    private final FloatPointer beta = new FloatPointer(1);

    Cublas(CudaContext context, boolean tf32) {
        this.context = context;
        this.tf32 = tf32;
        context.makeCurrent();
        check(cublasCreate_v2(handle), "cublasCreate");
        check(cublasSetMathMode(handle, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    }

    boolean tf32() {
        return tf32;
    }

    /**
     * Row-major c[m, n] = alphaValue * op(a) op(b) + betaValue * c, where a is stored [m, k] (or
     * [k, m] when transA) and b is stored [k, n] (or [n, k] when transB). Needs m, n, k > 0.
     */
    synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, float alphaValue, long a,
                           long b, float betaValue, long c) {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        context.makeCurrent();
        alpha.put(0, alphaValue);
        beta.put(0, betaValue);
        int rc = cublasSgemm_v2(handle, transB ? CUBLAS_OP_T : CUBLAS_OP_N, transA ? CUBLAS_OP_T : CUBLAS_OP_N,
                n, m, k, alpha, new DeviceAddress(b), ldb, new DeviceAddress(a), lda, beta, new DeviceAddress(c), n);
        check(rc, "cublasSgemm(" + m + "x" + k + (transA ? "^T" : "") + " . " + k + "x" + n + (transB ? "^T" : "") + ")");
    }

    private static void check(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: " + cublasGetStatusName(status).getString() + " ("
                    + status + "): " + cublasGetStatusString(status).getString());
        }
    }

    /** A FloatPointer naming device memory (JavaCPP passes its address through unchanged). */
    private static final class DeviceAddress extends FloatPointer {
        DeviceAddress(long deviceAddress) {
            this.address = deviceAddress;
        }
    }
}
