package dev.clm4j.tensor.cpu;

import dev.clm4j.tensor.AdamWStep;
import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Shapes;
import dev.clm4j.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast pure-Java backend: Vector API kernels on a fork-join pool, for the ops where time goes
 * (GEMM, attention, GELU, LayerNorm, elementwise, AdamW). Cheap ops (lookups, pooling, the loss)
 * are inherited from the reference backend, whose meaning every op here must reproduce.
 */
public final class CpuBackend extends ReferenceBackend {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Below this many multiply-adds a product runs on one thread (fork-join overhead dominates). */
    private static final int ELEMENTWISE_CHUNK = 1 << 14;

    private final Parallel parallel;
    private final Gemm gemm;

    public CpuBackend(int threads) {
        this.parallel = new Parallel(threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads);
        this.gemm = new Gemm(parallel);
    }

    /** Factory used by {@code Backends}: threads <= 0 means all cores. */
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

    @Override
    public Tensor zeros(int... shape) {
        return Tensor.host(new float[Math.toIntExact(Shapes.size(shape))], shape);
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
    public void rowGradInto(Tensor dy, Tensor x, Indices rows, Tensor out, float beta) {
        int n = dy.rows();
        int outFeatures = dy.cols();
        int in = x.cols();
        int k = rows.length();
        Shapes.require(x.rows() == n && out.rows() == k && out.cols() == in, "rowGrad: dy %s, x %s, %d rows, out %s",
                Shapes.str(dy), Shapes.str(x), k, Shapes.str(out));
        // Gather the selected columns of dy into [n, k], then one GEMM: out = dySel^T x.
        float[] d = dy.data();
        float[] sel = new float[n * k];
        int[] r = rows.array();
        for (int i = 0; i < n; i++) {
            int base = i * outFeatures;
            for (int j = 0; j < k; j++) {
                sel[i * k + j] = d[base + r[j]];
            }
        }
        gemm.multiply(sel, true, x.data(), false, out.data(), k, in, n, beta);
    }

    // ---- elementwise ------------------------------------------------------------------------

    @Override
    public Tensor add(Tensor a, Tensor b) {
        Shapes.require(a.size() == b.size(), "add: %s and %s", Shapes.str(a), Shapes.str(b));
        float[] out = new float[a.size()];
        float[] av = a.data();
        float[] bv = b.data();
        parallel.forRange(out.length, ELEMENTWISE_CHUNK, (s, e) -> {
            int i = s;
            for (int bound = s + S.loopBound(e - s); i < bound; i += S.length()) {
                FloatVector.fromArray(S, av, i).add(FloatVector.fromArray(S, bv, i)).intoArray(out, i);
            }
            for (; i < e; i++) {
                out[i] = av[i] + bv[i];
            }
        });
        return Tensor.host(out, a.shape());
    }

    @Override
    public void addInto(Tensor acc, Tensor x) {
        Shapes.require(acc.size() == x.size(), "addInto: %s and %s", Shapes.str(acc), Shapes.str(x));
        float[] av = acc.data();
        float[] xv = x.data();
        parallel.forRange(av.length, ELEMENTWISE_CHUNK, (s, e) -> VectorMath.axpy(1f, xv, s, av, s, e - s));
    }

    @Override
    public void scaleInPlace(Tensor t, float s) {
        float[] v = t.data();
        parallel.forRange(v.length, ELEMENTWISE_CHUNK, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector.fromArray(S, v, i).mul(s).intoArray(v, i);
            }
            for (; i < to; i++) {
                v[i] *= s;
            }
        });
    }

    @Override
    public Tensor addBias(Tensor x, Tensor bias) {
        int d = x.cols();
        Shapes.require(bias.size() == d, "addBias: x %s, bias %s", Shapes.str(x), Shapes.str(bias));
        float[] xv = x.data();
        float[] bv = bias.data();
        float[] out = new float[xv.length];
        parallel.forRange(x.rows(), Math.max(1, ELEMENTWISE_CHUNK / Math.max(1, d)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int off = r * d;
                int j = 0;
                for (int bound = S.loopBound(d); j < bound; j += S.length()) {
                    FloatVector.fromArray(S, xv, off + j).add(FloatVector.fromArray(S, bv, j)).intoArray(out, off + j);
                }
                for (; j < d; j++) {
                    out[off + j] = xv[off + j] + bv[j];
                }
            }
        });
        return Tensor.host(out, x.shape());
    }

    @Override
    public void biasGradInto(Tensor dy, Tensor out, float beta) {
        int d = dy.cols();
        int n = dy.rows();
        Shapes.require(out.size() == d, "biasGrad: dy %s, out %s", Shapes.str(dy), Shapes.str(out));
        float[] dv = dy.data();
        float[] sum = new float[d];
        for (int i = 0; i < n; i++) {
            VectorMath.axpy(1f, dv, i * d, sum, 0, d);
        }
        float[] o = out.data();
        for (int j = 0; j < d; j++) {
            o[j] = sum[j] + (beta == 0f ? 0f : beta * o[j]);
        }
    }

    @Override
    public Tensor gelu(Tensor x) {
        float[] xv = x.data();
        float[] out = new float[xv.length];
        parallel.forRange(xv.length, ELEMENTWISE_CHUNK, (s, e) -> VectorMath.gelu(xv, out, s, e));
        return Tensor.host(out, x.shape());
    }

    @Override
    public Tensor geluBackward(Tensor x, Tensor dy) {
        float[] xv = x.data();
        float[] dv = dy.data();
        float[] out = new float[xv.length];
        parallel.forRange(xv.length, ELEMENTWISE_CHUNK, (s, e) -> VectorMath.geluBackward(xv, dv, out, s, e));
        return Tensor.host(out, x.shape());
    }

    // ---- normalization -----------------------------------------------------------------------

    @Override
    public LayerNormResult layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int n = x.rows();
        int d = x.cols();
        Shapes.require(gamma.size() == d && beta.size() == d, "layerNorm: x %s, gamma %s, beta %s",
                Shapes.str(x), Shapes.str(gamma), Shapes.str(beta));
        float[] xv = x.data();
        float[] g = gamma.data();
        float[] b = beta.data();
        float[] y = new float[xv.length];
        float[] mean = new float[n];
        float[] rstd = new float[n];
        parallel.forRange(n, 64, (s, e) -> {
            for (int i = s; i < e; i++) {
                int off = i * d;
                float mu = VectorMath.sum(xv, off, off + d) / d;
                FloatVector vm = FloatVector.broadcast(S, mu);
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                for (int bound = S.loopBound(d); j < bound; j += S.length()) {
                    FloatVector c = FloatVector.fromArray(S, xv, off + j).sub(vm);
                    acc = c.fma(c, acc);
                }
                float var = acc.reduceLanes(VectorOperators.ADD);
                for (; j < d; j++) {
                    float c = xv[off + j] - mu;
                    var += c * c;
                }
                float rs = (float) (1.0 / Math.sqrt(var / d + eps));
                mean[i] = mu;
                rstd[i] = rs;
                j = 0;
                for (int bound = S.loopBound(d); j < bound; j += S.length()) {
                    FloatVector.fromArray(S, xv, off + j).sub(vm).mul(rs).mul(FloatVector.fromArray(S, g, j))
                            .add(FloatVector.fromArray(S, b, j)).intoArray(y, off + j);
                }
                for (; j < d; j++) {
                    y[off + j] = (xv[off + j] - mu) * rs * g[j] + b[j];
                }
            }
        });
        return new LayerNormResult(Tensor.host(y, x.shape()), Tensor.host(mean, n), Tensor.host(rstd, n));
    }

    @Override
    public Tensor layerNormBackward(Tensor dy, Tensor x, Tensor gamma, LayerNormResult saved,
                                    Tensor dGamma, Tensor dBeta, boolean needInput) {
        int n = x.rows();
        int d = x.cols();
        float[] xv = x.data();
        float[] dv = dy.data();
        float[] g = gamma.data();
        float[] mean = saved.mean().data();
        float[] rstd = saved.rstd().data();
        float[] dx = needInput ? new float[xv.length] : null;
        int chunks = Math.max(1, Math.min(parallel.threads() * 4, n / 64));
        float[][] dgParts = new float[chunks][d];
        float[][] dbParts = new float[chunks][d];
        int size = (n + chunks - 1) / chunks;
        parallel.forEach(chunks, c -> {
            float[] dg = dgParts[c];
            float[] db = dbParts[c];
            float[] xhat = new float[d];
            float[] dxhat = new float[d];
            for (int i = c * size; i < Math.min(n, (c + 1) * size); i++) {
                int off = i * d;
                float mu = mean[i];
                float rs = rstd[i];
                double sumDxhat = 0;
                double sumDxhatXhat = 0;
                for (int j = 0; j < d; j++) {
                    xhat[j] = (xv[off + j] - mu) * rs;
                    dxhat[j] = dv[off + j] * g[j];
                    sumDxhat += dxhat[j];
                    sumDxhatXhat += dxhat[j] * xhat[j];
                    dg[j] += dv[off + j] * xhat[j];
                    db[j] += dv[off + j];
                }
                if (dx != null) {
                    float m1 = (float) (sumDxhat / d);
                    float m2 = (float) (sumDxhatXhat / d);
                    for (int j = 0; j < d; j++) {
                        dx[off + j] = rs * (dxhat[j] - m1 - xhat[j] * m2);
                    }
                }
            }
        });
        for (int c = 0; c < chunks; c++) {
            if (dGamma != null) {
                VectorMath.axpy(1f, dgParts[c], 0, dGamma.data(), 0, d);
            }
            if (dBeta != null) {
                VectorMath.axpy(1f, dbParts[c], 0, dBeta.data(), 0, d);
            }
        }
        return dx == null ? null : Tensor.host(dx, x.shape());
    }

    // ---- attention ---------------------------------------------------------------------------

    @Override
    public AttentionResult attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, int batch, int heads) {
        int tq = q.rows() / batch;
        int tk = k.rows() / batch;
        int width = q.cols();
        int dh = width / heads;
        Shapes.require(dh * heads == width && k.cols() == width && v.cols() == width && v.rows() == k.rows(),
                "attention: q %s, k %s, v %s, heads %d", Shapes.str(q), Shapes.str(k), Shapes.str(v), heads);
        Shapes.require(keyMask.size() == batch * tk, "attention: mask %s, expected [%d, %d]", Shapes.str(keyMask), batch, tk);
        float[] out = new float[q.size()];
        float[] probs = new float[batch * heads * tq * tk];
        float[] qv = q.data();
        float[] kv = k.data();
        float[] vv = v.data();
        float[] mask = keyMask.data();
        parallel.forEach(batch * heads, bh -> AttentionKernels.forward(qv, kv, vv, mask, out, probs,
                bh / heads, bh % heads, heads, tq, tk, dh));
        return new AttentionResult(Tensor.host(out, q.shape()), Tensor.host(probs, batch, heads, tq, tk));
    }

    @Override
    public AttentionGrads attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor probs, int batch, int heads) {
        int tq = q.rows() / batch;
        int tk = k.rows() / batch;
        int dh = q.cols() / heads;
        float[] dq = new float[q.size()];
        float[] dk = new float[k.size()];
        float[] dv = new float[v.size()];
        float[] dov = dOut.data();
        float[] qv = q.data();
        float[] kv = k.data();
        float[] vv = v.data();
        float[] pv = probs.data();
        parallel.forEach(batch * heads, bh -> AttentionKernels.backward(dov, qv, kv, vv, pv, dq, dk, dv,
                bh / heads, bh % heads, heads, tq, tk, dh));
        return new AttentionGrads(Tensor.host(dq, q.shape()), Tensor.host(dk, k.shape()), Tensor.host(dv, v.shape()));
    }

    // ---- optimizer ---------------------------------------------------------------------------

    @Override
    public void adamW(Tensor p, Tensor g, Tensor m, Tensor v, AdamWStep s) {
        Shapes.require(p.size() == g.size() && m.size() == p.size() && v.size() == p.size(),
                "adamW: p %s, g %s, m %s, v %s", Shapes.str(p), Shapes.str(g), Shapes.str(m), Shapes.str(v));
        float[] pv = p.data();
        float[] gv = g.data();
        float[] mv = m.data();
        float[] vv = v.data();
        float b1 = s.beta1();
        float b2 = s.beta2();
        float c1 = 1f / s.biasCorrection1();
        float c2 = 1f / s.biasCorrection2();
        float lr = s.lr();
        float decay = 1f - lr * s.weightDecay();
        float eps = s.eps();
        parallel.forRange(pv.length, ELEMENTWISE_CHUNK, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector gi = FloatVector.fromArray(S, gv, i);
                FloatVector mi = FloatVector.fromArray(S, mv, i).mul(b1).add(gi.mul(1f - b1));
                FloatVector vi = FloatVector.fromArray(S, vv, i).mul(b2).add(gi.mul(gi).mul(1f - b2));
                mi.intoArray(mv, i);
                vi.intoArray(vv, i);
                FloatVector update = mi.mul(c1).div(vi.mul(c2).sqrt().add(eps)).mul(lr);
                FloatVector.fromArray(S, pv, i).mul(decay).sub(update).intoArray(pv, i);
            }
            for (; i < to; i++) {
                float gi = gv[i];
                float mi = b1 * mv[i] + (1f - b1) * gi;
                float vi = b2 * vv[i] + (1f - b2) * gi * gi;
                mv[i] = mi;
                vv[i] = vi;
                pv[i] = pv[i] * decay - lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
            }
        });
    }

    @Override
    public void maskedAdamW(Tensor p, Indices paramIdx, Tensor g, Indices gradIdx, Tensor m, Tensor v, AdamWStep s) {
        int k = paramIdx.length();
        Shapes.require(m.size() == k && v.size() == k, "maskedAdamW: %d indices, m %s, v %s", k, Shapes.str(m), Shapes.str(v));
        Shapes.require(gradIdx != null ? gradIdx.length() == k : g.size() == k,
                "maskedAdamW: %d indices, gradient %s", k, Shapes.str(g));
        float[] pv = p.data();
        float[] gv = g.data();
        float[] mv = m.data();
        float[] vv = v.data();
        int[] pi = paramIdx.array();
        int[] gi = gradIdx == null ? null : gradIdx.array();
        float b1 = s.beta1();
        float b2 = s.beta2();
        float c1 = 1f / s.biasCorrection1();
        float c2 = 1f / s.biasCorrection2();
        float lr = s.lr();
        float decay = 1f - lr * s.weightDecay();
        float eps = s.eps();
        parallel.forRange(k, ELEMENTWISE_CHUNK, (from, to) -> {
            for (int i = from; i < to; i++) {
                float grad = gv[gi == null ? i : gi[i]];
                float mi = b1 * mv[i] + (1f - b1) * grad;
                float vi = b2 * vv[i] + (1f - b2) * grad * grad;
                mv[i] = mi;
                vv[i] = vi;
                int at = pi[i];
                pv[at] = pv[at] * decay - lr * (mi * c1) / ((float) Math.sqrt(vi * c2) + eps);
            }
        });
    }

    @Override
    public void close() {
        parallel.close();
    }
}
