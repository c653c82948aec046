package dev.clm4j.tensor.cpu;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.HostBackend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.LossResult;
import dev.clm4j.tensor.PrependRowsGrads;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;

/**
 * The fast pure-Java backend: host float[] tensors, Vector API kernels, a fork-join pool of a
 * configurable size. This class checks shapes and hands each op to the class that does one job:
 * {@link Gemm} (products), {@link Elementwise}, {@link Norms}, {@link Softmax}, {@link Attention},
 * {@link Rows}, {@link Loss}, {@link Optim}. Every op means exactly what it means in
 * {@code ReferenceBackend}, up to float rounding.
 */
public final class CpuBackend extends HostBackend {
    private final Parallel parallel;
    private final Gemm gemm;
    private final Elementwise elementwise;
    private final Norms norms;
    private final Attention attention;
    private final Rows rows;
    private final Loss loss;
    private final Optim optim;
    /** Outputs of the ops that overwrite all of theirs; inference gives dead intermediates back. */
    private final BufferPool pool = new BufferPool();

    /** A backend on all available processors. */
    public CpuBackend() {
        this(0);
    }

    /** A backend on the given number of threads (the caller's included); 0 or less: all processors. */
    public CpuBackend(int threads) {
        this.parallel = new Parallel(threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads);
        this.gemm = new Gemm(parallel);
        this.elementwise = new Elementwise(parallel, pool);
        this.norms = new Norms(parallel);
        this.attention = new Attention(parallel, gemm);
        this.rows = new Rows(parallel);
        this.loss = new Loss(parallel);
        this.optim = new Optim(parallel);
    }

    /** Factory used by {@code Backends}: threads &lt;= 0 means all processors. */
    public static CpuBackend create(int threads) {
        return new CpuBackend(threads);
    }

    @Override
    public String name() {
        return "cpu";
    }

    public int threads() {
        return parallel.threads();
    }

    // ---- memory ----------------------------------------------------------------------------

    // upload, download and write: HostBackend's host arrays. Outputs come from the pool of arrays
    // given back (recycle), so that a training step reuses the memory of what it has consumed.

    @Override
    public Tensor zeros(int... shape) {
        float[] a = pool.take(Math.toIntExact(Shapes.size(shape)));
        elementwise.fill(a, 0f);
        return Tensor.host(a, shape);
    }

    @Override
    public Tensor scratch(int... shape) {
        return Tensor.host(pool.take(Math.toIntExact(Shapes.size(shape))), shape);
    }

    @Override
    public Tensor copy(Tensor t) {
        float[] a = pool.take(t.size());
        System.arraycopy(t.data(), 0, a, 0, a.length);
        return Tensor.host(a, t.shape());
    }

    // ---- matrix products -------------------------------------------------------------------

    @Override
    public void matmulInto(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float beta) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        Shapes.require(k == kb, "matmul: inner dimensions differ, %s%s x %s%s", Shapes.str(a), transA ? "^T" : "",
                Shapes.str(b), transB ? "^T" : "");
        Shapes.require(c.rows() == m && c.cols() == n, "matmul: output %s, expected [%d, %d]", Shapes.str(c), m, n);
        gemm.multiply(a.data(), transA, b.data(), transB, c.data(), m, n, k, beta);
    }

    @Override
    public Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (bias == null) {
            return matmul(x, false, w, true);
        }
        int m = x.rows();
        int k = x.cols();
        int n = w.rows();
        Shapes.require(w.cols() == k, "linear: x %s, weight %s", Shapes.str(x), Shapes.str(w));
        Shapes.require(bias.size() == n, "linear: weight %s, bias %s", Shapes.str(w), Shapes.str(bias));
        float[] out = pool.take(m * n); // every entry written: the tiles start from the bias
        gemm.multiplyBias(x.data(), false, w.data(), true, bias.data(), out, m, n, k);
        return Tensor.host(out, m, n);
    }

    @Override
    public Tensor linearGelu(Tensor x, Tensor w, Tensor bias) {
        int m = x.rows();
        int k = x.cols();
        int n = w.rows();
        Shapes.require(w.cols() == k, "linearGelu: x %s, weight %s", Shapes.str(x), Shapes.str(w));
        Shapes.require(bias.size() == n, "linearGelu: weight %s, bias %s", Shapes.str(w), Shapes.str(bias));
        float[] out = pool.take(m * n);
        gemm.multiplyBias(x.data(), false, w.data(), true, bias.data(), out, m, n, k, Elementwise::geluBlock);
        return Tensor.host(out, m, n);
    }

    @Override
    public void rowGradInto(Tensor dy, Tensor x, Indices rows, Tensor out, float beta) {
        int n = dy.rows();
        int outFeatures = dy.cols();
        int in = x.cols();
        int k = rows.length();
        Shapes.require(x.rows() == n, "rowGrad: dy %s and x %s differ in rows", Shapes.str(dy), Shapes.str(x));
        Shapes.require(out.rows() == k && out.cols() == in, "rowGrad: output %s, expected [%d, %d]",
                Shapes.str(out), k, in);
        int[] r = rows.array();
        for (int row : r) {
            Shapes.require(row >= 0 && row < outFeatures, "rowGrad: row %d outside [0, %d)", row, outFeatures);
        }
        // Gather the selected columns of dy into a dense [n, k] block (contiguous for the packing),
        // then one product: out = sel^T x + beta out.
        float[] d = dy.data();
        float[] sel = pool.take(n * k); // every entry written
        parallel.forRange(n, Math.max(1, Elementwise.CHUNK / Math.max(1, k)), (s, e) -> {
            for (int i = s; i < e; i++) {
                int src = i * outFeatures;
                int dst = i * k;
                for (int j = 0; j < k; j++) {
                    sel[dst + j] = d[src + r[j]];
                }
            }
        });
        gemm.multiply(sel, true, x.data(), false, out.data(), k, in, n, beta);
        pool.give(sel);
    }

    // ---- elementwise and reductions ---------------------------------------------------------

    /** Gives the array of a tensor nothing refers to any more back to the pool of outputs. */
    @Override
    public void recycle(Tensor dead) {
        if (dead.storage() instanceof dev.clm4j.tensor.HostStorage && dead.data().length == dead.size()) {
            pool.give(dead.data());
        }
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        Shapes.require(a.size() == b.size(), "add: %s and %s", Shapes.str(a), Shapes.str(b));
        return Tensor.host(elementwise.add(a.data(), b.data()), a.shape());
    }

    @Override
    public void addInto(Tensor acc, Tensor x) {
        Shapes.require(acc.size() == x.size(), "addInto: %s and %s", Shapes.str(acc), Shapes.str(x));
        elementwise.addInto(acc.data(), x.data());
    }

    @Override
    public void scaleInPlace(Tensor t, float s) {
        elementwise.scale(t.data(), s);
    }

    @Override
    public Tensor addBias(Tensor x, Tensor bias) {
        int d = x.cols();
        Shapes.require(bias.size() == d, "addBias: x %s, bias %s", Shapes.str(x), Shapes.str(bias));
        return Tensor.host(elementwise.addBias(x.data(), bias.data(), d), x.shape());
    }

    @Override
    public void biasGradInto(Tensor dy, Tensor out, float beta) {
        int d = dy.cols();
        Shapes.require(out.size() == d, "biasGrad: dy %s, out %s", Shapes.str(dy), Shapes.str(out));
        elementwise.biasGrad(dy.data(), dy.rows(), d, out.data(), beta);
    }

    @Override
    public Tensor gelu(Tensor x) {
        return Tensor.host(elementwise.gelu(x.data()), x.shape());
    }

    @Override
    public Tensor geluBackward(Tensor x, Tensor dy) {
        Shapes.require(x.size() == dy.size(), "geluBackward: x %s, dy %s", Shapes.str(x), Shapes.str(dy));
        return Tensor.host(elementwise.geluBackward(x.data(), dy.data()), x.shape());
    }

    @Override
    public double sumSquares(Tensor t) {
        return elementwise.sumSquares(t.data());
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        Shapes.require(a.size() == b.size(), "dot: %s and %s", Shapes.str(a), Shapes.str(b));
        return elementwise.dot(a.data(), b.data());
    }

    // ---- normalization and softmax ----------------------------------------------------------

    @Override
    public LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int n = x.rows();
        int d = x.cols();
        Shapes.require(gamma.size() == d && beta.size() == d, "layerNorm: x %s, gamma %s, beta %s",
                Shapes.str(x), Shapes.str(gamma), Shapes.str(beta));
        float[] y = pool.take(x.size());
        float[] mean = new float[n];
        float[] rstd = new float[n];
        norms.forward(x.data(), gamma.data(), beta.data(), eps, n, d, y, mean, rstd);
        return new LayerNormResult(Tensor.host(y, x.shape()), Tensor.host(mean, n), Tensor.host(rstd, n));
    }

    @Override
    public Tensor layerNormBackward(Tensor dy, Tensor x, Tensor gamma, LayerNormResult saved,
                                    Tensor dGamma, Tensor dBeta, boolean needInput) {
        int n = x.rows();
        int d = x.cols();
        Shapes.require(dy.size() == x.size() && gamma.size() == d, "layerNormBackward: dy %s, x %s, gamma %s",
                Shapes.str(dy), Shapes.str(x), Shapes.str(gamma));
        float[] dx = needInput ? pool.take(x.size()) : null; // every row written
        norms.backward(dy.data(), x.data(), gamma.data(), saved.mean().data(), saved.rstd().data(), n, d, dx,
                dGamma == null ? null : dGamma.data(), dBeta == null ? null : dBeta.data());
        return dx == null ? null : Tensor.host(dx, x.shape());
    }

    @Override
    public Tensor softmax(Tensor x) {
        int n = x.rows();
        int d = x.cols();
        float[] xv = x.data();
        float[] y = new float[xv.length];
        parallel.forRange(n, Math.max(1, Elementwise.CHUNK / Math.max(1, d)), (s, e) -> {
            for (int i = s; i < e; i++) {
                Softmax.row(xv, i * d, d, 1f, y, i * d, null, 0);
            }
        });
        return Tensor.host(y, x.shape());
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor dy) {
        int n = y.rows();
        int d = y.cols();
        Shapes.require(y.size() == dy.size(), "softmaxBackward: y %s, dy %s", Shapes.str(y), Shapes.str(dy));
        float[] yv = y.data();
        float[] dv = dy.data();
        float[] dx = new float[yv.length];
        parallel.forRange(n, Math.max(1, Elementwise.CHUNK / Math.max(1, d)), (s, e) -> {
            for (int i = s; i < e; i++) {
                Softmax.backwardRow(yv, i * d, dv, i * d, dx, i * d, d, 1f);
            }
        });
        return Tensor.host(dx, y.shape());
    }

    // ---- attention ---------------------------------------------------------------------------

    private static Attention.Dims attentionDims(Tensor q, Tensor k, Tensor v, int batch, int heads) {
        int width = q.cols();
        int dh = width / heads;
        Shapes.require(batch > 0 && heads > 0 && q.rows() % batch == 0 && k.rows() % batch == 0,
                "attention: q %s, k %s do not split into %d sequences", Shapes.str(q), Shapes.str(k), batch);
        Shapes.require(dh * heads == width && k.cols() == width && v.cols() == width && v.rows() == k.rows(),
                "attention: q %s, k %s, v %s, heads %d", Shapes.str(q), Shapes.str(k), Shapes.str(v), heads);
        return new Attention.Dims(batch, heads, q.rows() / batch, k.rows() / batch, dh);
    }

    @Override
    public AttentionResult attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, int batch, int heads) {
        Attention.Dims dims = attentionDims(q, k, v, batch, heads);
        Shapes.require(keyMask.size() == batch * dims.tk(), "attention: mask %s, expected [%d, %d]",
                Shapes.str(keyMask), batch, dims.tk());
        // Both overwritten whole: every probability row is written, every head's columns of out too.
        float[] out = pool.take(q.size());
        float[] probs = pool.take(batch * heads * dims.tq() * dims.tk());
        attention.forward(q.data(), k.data(), v.data(), keyMask.data(), dims, out, probs);
        return new AttentionResult(Tensor.host(out, q.shape()), Tensor.host(probs, batch, heads, dims.tq(), dims.tk()));
    }

    @Override
    public AttentionGrads attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor probs,
                                            int batch, int heads) {
        Attention.Dims dims = attentionDims(q, k, v, batch, heads);
        Shapes.require(dOut.size() == q.size() && probs.size() == batch * heads * dims.tq() * dims.tk(),
                "attentionBackward: dOut %s, probs %s", Shapes.str(dOut), Shapes.str(probs));
        // Overwritten whole: every head's columns of every row.
        float[] dq = pool.take(q.size());
        float[] dk = pool.take(k.size());
        float[] dv = pool.take(v.size());
        attention.backward(dOut.data(), q.data(), k.data(), v.data(), probs.data(), dims, dq, dk, dv);
        return new AttentionGrads(Tensor.host(dq, q.shape()), Tensor.host(dk, k.shape()), Tensor.host(dv, v.shape()));
    }

    // ---- rows: embedding lookups, pooling ----------------------------------------------------

    @Override
    public Tensor gatherRows(Tensor table, Indices ids) {
        int d = table.cols();
        float[] out = pool.take(ids.length() * d); // every row copied
        rows.gather(table.data(), table.rows(), d, ids.array(), out);
        return Tensor.host(out, ids.length(), d);
    }

    @Override
    public void scatterAddRows(Tensor dy, Indices ids, Tensor out, Indices rowMap) {
        int d = dy.cols();
        Shapes.require(out.cols() == d && dy.rows() == ids.length(), "scatterAddRows: dy %s, %d ids, out %s",
                Shapes.str(dy), ids.length(), Shapes.str(out));
        rows.scatterAdd(dy.data(), d, ids.array(), out.data(), out.rows(), rowMap == null ? null : rowMap.array());
    }

    @Override
    public Tensor prependRows(Tensor prefix, Tensor x, int batch) {
        int t = Shapes.prependRows(prefix, x, batch);
        int n = prefix.rows();
        int d = prefix.cols();
        return Tensor.host(rows.prepend(prefix.data(), n, x.data(), batch, t, d), batch * (n + t), d);
    }

    @Override
    public PrependRowsGrads prependRowsBackward(Tensor dOut, int prefixRows, int batch, boolean needPrefix,
                                                boolean needRows) {
        int t = Shapes.prependRowsBackward(dOut, prefixRows, batch);
        int d = dOut.cols();
        float[] dy = dOut.data();
        Tensor dPrefix = needPrefix ? Tensor.host(rows.prefixSum(dy, prefixRows, batch, t, d), prefixRows, d) : null;
        Tensor dRows = needRows ? Tensor.host(rows.dropPrefix(dy, prefixRows, batch, t, d), batch * t, d) : null;
        return new PrependRowsGrads(dPrefix, dRows);
    }

    @Override
    public Tensor maskedMeanPool(Tensor h, Tensor mask, int batch) {
        int t = h.rows() / batch;
        int d = h.cols();
        Shapes.require(mask.size() == batch * t, "maskedMeanPool: h %s, mask %s, batch %d", Shapes.str(h),
                Shapes.str(mask), batch);
        return Tensor.host(rows.meanPool(h.data(), mask.data(), batch, t, d), batch, d);
    }

    @Override
    public Tensor maskedMeanPoolBackward(Tensor dy, Tensor mask, int batch) {
        int t = mask.size() / batch;
        int d = dy.cols();
        Shapes.require(dy.rows() == batch, "maskedMeanPoolBackward: dy %s, batch %d", Shapes.str(dy), batch);
        return Tensor.host(rows.meanPoolBackward(dy.data(), mask.data(), batch, t, d), batch * t, d);
    }

    // ---- loss --------------------------------------------------------------------------------

    @Override
    public LossResult crossEntropy(Tensor logits, Indices labels) {
        int n = logits.rows();
        int c = logits.cols();
        Shapes.require(labels.length() == n, "crossEntropy: %d labels for logits %s", labels.length(),
                Shapes.str(logits));
        float[] probs = new float[logits.size()];
        float mean = loss.crossEntropy(logits.data(), n, c, labels.array(), probs);
        return new LossResult(Tensor.host(new float[] {mean}, 1), Tensor.host(probs, logits.shape()));
    }

    @Override
    public Tensor crossEntropyBackward(Tensor probs, Indices labels, float scale) {
        Shapes.require(labels.length() == probs.rows(), "crossEntropyBackward: %d labels for probs %s",
                labels.length(), Shapes.str(probs));
        return Tensor.host(loss.crossEntropyBackward(probs.data(), probs.rows(), probs.cols(), labels.array(), scale),
                probs.shape());
    }

    // ---- optimizer ---------------------------------------------------------------------------

    @Override
    public void adamW(Tensor p, Tensor g, Tensor m, Tensor v, AdamWStep step) {
        Shapes.require(p.size() == g.size() && m.size() == p.size() && v.size() == p.size(),
                "adamW: p %s, g %s, m %s, v %s", Shapes.str(p), Shapes.str(g), Shapes.str(m), Shapes.str(v));
        optim.adamW(p.data(), g.data(), m.data(), v.data(), step);
    }

    @Override
    public void maskedAdamW(Tensor p, Indices paramIdx, Tensor g, Indices gradIdx, Tensor m, Tensor v, AdamWStep step) {
        int k = paramIdx.length();
        Shapes.require(m.size() == k && v.size() == k, "maskedAdamW: %d indices, m %s, v %s", k, Shapes.str(m),
                Shapes.str(v));
        Shapes.require(gradIdx != null ? gradIdx.length() == k : g.size() == k,
                "maskedAdamW: %d indices, gradient %s", k, Shapes.str(g));
        optim.maskedAdamW(p.data(), paramIdx.array(), g.data(), gradIdx == null ? null : gradIdx.array(), m.data(),
                v.data(), step);
    }

    @Override
    public void close() {
        parallel.close();
    }
}
