package dev.clm4j.tensor;

/**
 * The narrow waist of the engine: every numeric primitive the encoder, its training and the sparse
 * method need, forward and backward. Matrices are row-major; an activation of a batch of sequences
 * is a matrix [batch * seq, features]. Ops allocate their results on this backend unless they are
 * named {@code ...Into}, which write (or, with {@code beta = 1}, accumulate) into a given tensor.
 *
 * <p>{@link ReferenceBackend} defines the meaning of every op with scalar loops; every other
 * backend is tested against it.
 */
public interface Backend extends AutoCloseable {

    /** "reference", "cpu" or "cuda". */
    String name();

    // ---- memory ----------------------------------------------------------------------------

    Tensor zeros(int... shape);

    /**
     * A tensor whose entries are arbitrary, for an output the caller overwrites whole before it
     * reads any entry (a product with {@code beta = 0}): a backend may hand out recycled memory.
     */
    default Tensor scratch(int... shape) {
        return zeros(shape);
    }

    /** A tensor on this backend holding a copy of the host values. */
    Tensor upload(float[] values, int... shape);

    /** A host copy of the tensor's values. */
    float[] download(Tensor t);

    default Tensor copy(Tensor t) {
        return upload(download(t), t.shape());
    }

    /** Writes host values into an existing tensor of the same size. */
    void write(Tensor t, float[] values);

    // ---- matrix products -------------------------------------------------------------------

    /**
     * c = op(a) op(b) + beta * c, with op the transpose when the flag is set; a, b and c are
     * matrices (the leading dimensions of a tensor are folded into rows).
     */
    void matmulInto(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float beta);

    default Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        int m = transA ? a.cols() : a.rows();
        int n = transB ? b.rows() : b.cols();
        Tensor c = scratch(m, n);
        matmulInto(a, transA, b, transB, c, 0f);
        return c;
    }

    /**
     * A linear layer's forward product: x [n, in] times w [out, in] transposed, plus the bias [out]
     * on every row (bias may be null). Backends fuse the bias into the product where they can.
     */
    default Tensor linear(Tensor x, Tensor w, Tensor bias) {
        Tensor y = matmul(x, false, w, true);
        return bias == null ? y : addBias(y, bias);
    }

    /**
     * A hint that nothing refers to {@code dead} any more: a backend may reuse its memory for a later
     * output. Inference calls it for each layer's intermediates, and training (see
     * {@link dev.clm4j.autograd.Ops#recycling}) for what backward has consumed; the default ignores it.
     */
    default void recycle(Tensor dead) {
    }

    /**
     * GELU(x w^T + bias), for inference: the pre-activation is not kept, so backends may apply GELU
     * to each block of the product while it is still in cache instead of in a pass of its own.
     */
    default Tensor linearGelu(Tensor x, Tensor w, Tensor bias) {
        return gelu(linear(x, w, bias));
    }

    /**
     * The sparse weight gradient: out[r, :] = sum_i dy[i, rows[r]] * x[i, :] + beta * out[r, :],
     * for the selected output rows of a linear layer only (gather the columns of dy, one small GEMM).
     * dy is [n, out], x is [n, in], out is [rows.length, in].
     */
    void rowGradInto(Tensor dy, Tensor x, Indices rows, Tensor out, float beta);

    // ---- elementwise and reductions ---------------------------------------------------------

    /** a + b, same shapes. */
    Tensor add(Tensor a, Tensor b);

    /** acc += x, same sizes (gradient accumulation). */
    void addInto(Tensor acc, Tensor x);

    /** t *= s. */
    void scaleInPlace(Tensor t, float s);

    /** x [n, d] + bias [d] broadcast over rows. */
    Tensor addBias(Tensor x, Tensor bias);

    /** out[j] = sum_i dy[i, j] + beta * out[j]: the gradient of a broadcast bias. */
    void biasGradInto(Tensor dy, Tensor out, float beta);

    /** GELU, erf form as in BERT: x * Phi(x). */
    Tensor gelu(Tensor x);

    /** dy * GELU'(x). */
    Tensor geluBackward(Tensor x, Tensor dy);

    /** Sum of squares of all entries, accumulated in double (gradient clipping). */
    double sumSquares(Tensor t);

    /** Sum of a[i] * b[i] over all entries, accumulated in double. */
    double dot(Tensor a, Tensor b);

    // ---- normalization and softmax ----------------------------------------------------------

    /** Row-wise LayerNorm of x [n, d]; keeps the mean and reciprocal std of each row for backward. */
    LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps);

    /**
     * Backward of LayerNorm. Returns dx (or null when {@code needInput} is false) and accumulates the
     * parameter gradients into dGamma and dBeta when they are not null.
     */
    Tensor layerNormBackward(Tensor dy, Tensor x, Tensor gamma, LayerNormResult saved,
                             Tensor dGamma, Tensor dBeta, boolean needInput);

    /** Softmax of each row of x. */
    Tensor softmax(Tensor x);

    /** Given y = softmax(x) and dy, returns dx. */
    Tensor softmaxBackward(Tensor y, Tensor dy);

    // ---- attention ---------------------------------------------------------------------------

    /**
     * Multi-head scaled-dot-product attention. q is [batch * tq, heads * dh]; k and v are
     * [batch * tk, heads * dh] (head h is columns h*dh .. h*dh+dh-1); keyMask is [batch, tk] with 1
     * for a real key and 0 for padding, which gets no weight. Returns the output [batch * tq,
     * heads * dh] and the attention probabilities [batch, heads, tq, tk] for backward. A query
     * whose keys are all padding gets a zero output.
     */
    AttentionResult attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, int batch, int heads);

    /** Backward of {@link #attention}: dq, dk, dv. */
    AttentionGrads attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor probs,
                                     int batch, int heads);

    // ---- rows: embedding lookups, pooling ----------------------------------------------------

    /** out[i, :] = table[ids[i], :]. */
    Tensor gatherRows(Tensor table, Indices ids);

    /**
     * out[rowMap[ids[i]], :] += dy[i, :] for every i, skipping ids whose rowMap entry is -1; a null
     * rowMap is the identity. This is the embedding gradient, dense or restricted to selected rows.
     */
    void scatterAddRows(Tensor dy, Indices ids, Tensor out, Indices rowMap);

    /**
     * The same prefix rows in front of each sequence's own rows (prefix tuning's keys and values,
     * and their key mask with d = 1): prefix [n, d] and x [batch * t, d] give [batch * (n + t), d],
     * where sequence b is rows b*(n+t) .. b*(n+t)+n+t-1: prefix rows 0 .. n-1, then x rows
     * b*t .. b*t+t-1.
     */
    Tensor prependRows(Tensor prefix, Tensor x, int batch);

    /**
     * Backward of {@link #prependRows} with n = {@code prefixRows}: from dOut [batch * (n + t), d],
     * the prefix gradient [n, d] (row i the sum over the sequences of their row i; when
     * {@code needPrefix}) and the sequence rows' gradient [batch * t, d] (each sequence's rows after
     * its prefix; when {@code needRows}). The one not asked for is null.
     */
    PrependRowsGrads prependRowsBackward(Tensor dOut, int prefixRows, int batch, boolean needPrefix, boolean needRows);

    /** Mean over the real tokens of each sequence: h [batch * t, d], mask [batch, t] -> [batch, d]. */
    Tensor maskedMeanPool(Tensor h, Tensor mask, int batch);

    /** Backward of {@link #maskedMeanPool}: [batch, d] -> [batch * t, d]. */
    Tensor maskedMeanPoolBackward(Tensor dy, Tensor mask, int batch);

    // ---- loss --------------------------------------------------------------------------------

    /** Mean softmax cross-entropy of logits [n, c] against labels; keeps the probabilities. */
    LossResult crossEntropy(Tensor logits, Indices labels);

    /** (probs - onehot(labels)) * scale. */
    Tensor crossEntropyBackward(Tensor probs, Indices labels, float scale);

    // ---- optimizer ---------------------------------------------------------------------------

    /** Dense AdamW update of p with gradient g and moments m, v (all the same size). */
    void adamW(Tensor p, Tensor g, Tensor m, Tensor v, AdamWStep step);

    /**
     * Masked AdamW over compact lists: for each i, p[paramIdx[i]] is updated with gradient
     * g[gradIdx[i]] (gradIdx null: g[i]) and moments m[i], v[i]. Entries not listed are untouched, and
     * the optimizer state is exactly as large as the mask.
     */
    void maskedAdamW(Tensor p, Indices paramIdx, Tensor g, Indices gradIdx, Tensor m, Tensor v, AdamWStep step);

    @Override
    default void close() {
    }
}
