package dev.clm4j.tensor.cpu;

/**
 * Multi-head scaled-dot-product attention with a key padding mask, forward and backward. Each
 * (sequence, head) pair is one task; inside it every product is a small GEMM run on that thread over
 * strided views of the head's columns (no copies in). Products whose output is only dh columns wide
 * (P V, dS K, dS^T Q, P^T dO) run on {@link NarrowProduct} when dh is its width (32 on AVX-512),
 * reading every operand in place; otherwise they are computed transposed, dh x t, so that the
 * 64-wide register tiles are full, and then transposed into place.
 */
final class Attention {
    private final Parallel parallel;
    private final Gemm gemm;
    /** Per-thread scratch: dS (t x t) and a transposed head output (dh x t). */
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[2][0]);

    Attention(Parallel parallel, Gemm gemm) {
        this.parallel = parallel;
        this.gemm = gemm;
    }

    /** Shapes of one call: batch sequences of tq queries and tk keys, heads of width dh. */
    record Dims(int batch, int heads, int tq, int tk, int dh) {
        int width() {
            return heads * dh;
        }

        float scale() {
            return (float) (1.0 / Math.sqrt(dh));
        }

        /** Head h of sequence b in an activation [batch * t, width]. */
        MatrixView head(float[] x, int b, int t, int h) {
            return new MatrixView(x, b * t * width() + h * dh, width());
        }

        /** The [tq, tk] probability block of (b, h) in [batch, heads, tq, tk]. */
        MatrixView probs(float[] p, int b, int h) {
            return new MatrixView(p, (b * heads + h) * tq * tk, tk);
        }
    }

    /** Fills out [batch * tq, width] and probs [batch, heads, tq, tk]. */
    void forward(float[] q, float[] k, float[] v, float[] mask, Dims dims, float[] out, float[] probs) {
        int tq = dims.tq();
        int tk = dims.tk();
        int dh = dims.dh();
        parallel.forEach(dims.batch() * dims.heads(), bh -> {
            int b = bh / dims.heads();
            int h = bh % dims.heads();
            MatrixView p = dims.probs(probs, b, h);
            // S = Q K^T into the probability block, then the masked softmax of scale * S in place.
            gemm.multiply(dims.head(q, b, tq, h), false, dims.head(k, b, tk, h), true, p, tq, tk, dh, 0f, false);
            for (int i = 0; i < tq; i++) {
                int row = p.off() + i * tk;
                Softmax.row(probs, row, tk, dims.scale(), probs, row, mask, b * tk);
            }
            if (NarrowProduct.handles(dh)) {
                NarrowProduct.multiply(p, false, dims.head(v, b, tk, h), dims.head(out, b, tq, h), tq, tk);
                return;
            }
            // out^T = V^T P^T (dh x tq), then into the head's columns.
            float[] t = buffer(1, dh * tq);
            gemm.multiply(dims.head(v, b, tk, h), true, p, true, MatrixView.of(t, tq), dh, tq, tk, 0f, false);
            untranspose(t, dh, tq, dims.head(out, b, tq, h));
        });
    }

    /** Gradients dq, dk, dv (same shapes as q, k, v) of the forward pass that produced probs. */
    void backward(float[] dOut, float[] q, float[] k, float[] v, float[] probs, Dims dims,
                  float[] dq, float[] dk, float[] dv) {
        int tq = dims.tq();
        int tk = dims.tk();
        int dh = dims.dh();
        float scale = dims.scale();
        parallel.forEach(dims.batch() * dims.heads(), bh -> {
            int b = bh / dims.heads();
            int h = bh % dims.heads();
            MatrixView p = dims.probs(probs, b, h);
            MatrixView dO = dims.head(dOut, b, tq, h);
            float[] ds = buffer(0, tq * tk);
            MatrixView dsView = MatrixView.of(ds, tk);
            boolean narrow = NarrowProduct.handles(dh);
            float[] t = narrow ? null : buffer(1, dh * Math.max(tq, tk));
            if (narrow) {
                // dV = P^T dO, P^T read in place.
                NarrowProduct.multiply(p, true, dO, dims.head(dv, b, tk, h), tk, tq);
            } else {
                // dV^T = dO^T P (dh x tk).
                gemm.multiply(dO, true, p, false, MatrixView.of(t, tk), dh, tk, tq, 0f, false);
                untranspose(t, dh, tk, dims.head(dv, b, tk, h));
            }
            // dP = dO V^T, then dS = P * (dP - sum_j P dP) * scale, row by row.
            gemm.multiply(dO, false, dims.head(v, b, tk, h), true, dsView, tq, tk, dh, 0f, false);
            for (int i = 0; i < tq; i++) {
                Softmax.backwardRow(probs, p.off() + i * tk, ds, i * tk, ds, i * tk, tk, scale);
            }
            if (narrow) {
                // dQ = dS K and dK = dS^T Q, dS^T read in place.
                NarrowProduct.multiply(dsView, false, dims.head(k, b, tk, h), dims.head(dq, b, tq, h), tq, tk);
                NarrowProduct.multiply(dsView, true, dims.head(q, b, tq, h), dims.head(dk, b, tk, h), tk, tq);
                return;
            }
            // dQ^T = K^T dS^T (dh x tq) and dK^T = Q^T dS (dh x tk).
            gemm.multiply(dims.head(k, b, tk, h), true, dsView, true, MatrixView.of(t, tq), dh, tq, tk, 0f, false);
            untranspose(t, dh, tq, dims.head(dq, b, tq, h));
            gemm.multiply(dims.head(q, b, tq, h), true, dsView, false, MatrixView.of(t, tk), dh, tk, tq, 0f, false);
            untranspose(t, dh, tk, dims.head(dk, b, tk, h));
        });
    }

    /** dst (rows x cols view) = transpose of src (cols x rows, dense). */
    private static void untranspose(float[] src, int srcRows, int srcCols, MatrixView dst) {
        float[] d = dst.data();
        for (int i = 0; i < srcCols; i++) {
            int row = dst.off() + i * dst.ld();
            for (int c = 0; c < srcRows; c++) {
                d[row + c] = src[c * srcCols + i];
            }
        }
    }

    private float[] buffer(int which, int size) {
        float[][] s = scratch.get();
        if (s[which].length < size) {
            s[which] = new float[size];
        }
        return s[which];
    }
}
