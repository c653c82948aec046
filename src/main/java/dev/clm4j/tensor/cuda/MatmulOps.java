package dev.clm4j.tensor.cuda;

import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/** Matrix products: dense GEMM on cuBLAS, and the sparse row gradient (gather columns, then GEMM). */
final class MatmulOps {
    private final CudaDevice device;
    private final ElementwiseOps elementwise;

    MatmulOps(CudaDevice device, ElementwiseOps elementwise) {
        this.device = device;
        this.elementwise = elementwise;
    }

    void matmulInto(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float beta) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        Shapes.require(k == kb, "matmul: inner dimensions differ, %s%s x %s%s", Shapes.str(a), transA ? "^T" : "",
                Shapes.str(b), transB ? "^T" : "");
        Shapes.require(c.rows() == m && c.cols() == n, "matmul: output %s, expected [%d, %d]", Shapes.str(c), m, n);
        gemm(a, transA, b, transB, c, m, n, k, beta);
    }

    void rowGradInto(Tensor dy, Tensor x, Indices rows, Tensor out, float beta) {
        int n = dy.rows();
        int outFeatures = dy.cols();
        int in = x.cols();
        int count = rows.length();
        Shapes.require(x.rows() == n, "rowGrad: dy %s and x %s differ in rows", Shapes.str(dy), Shapes.str(x));
        Shapes.require(out.rows() == count && out.cols() == in, "rowGrad: output %s, expected [%d, %d]",
                Shapes.str(out), count, in);
        if (count == 0) {
            return;
        }
        DeviceIndices selected = device.indices(rows);
        selected.requireWithin(0, outFeatures, "rowGrad", "row");
        Tensor gathered = device.empty(n, count);
        device.kernel("gather_columns").elements((long) n * count)
                .ptr(gathered).ptr(dy).ptr(selected).arg(n).arg(outFeatures).arg(count).launch();
        gemm(gathered, true, x, false, out, count, in, n, beta);
        CudaDevice.free(gathered);
    }

    /** c[m, n] = op(a) op(b) + beta * c, with the degenerate shapes cuBLAS rejects handled here. */
    private void gemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, int m, int n, int k, float beta) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {  // an empty sum: c = beta * c, and beta == 0 must not read c (it may hold NaN)
            if (beta == 0f) {
                device.memory.zero(CudaDevice.address(c, "matmul"), c.size());
            } else if (beta != 1f) {
                elementwise.scaleInPlace(c, beta);
            }
            return;
        }
        device.cublas.gemm(transA, transB, m, n, k, 1f, CudaDevice.address(a, "matmul"),
                CudaDevice.address(b, "matmul"), beta, CudaDevice.address(c, "matmul"));
        java.lang.ref.Reference.reachabilityFence(a);
        java.lang.ref.Reference.reachabilityFence(b);
        java.lang.ref.Reference.reachabilityFence(c);
    }
}
