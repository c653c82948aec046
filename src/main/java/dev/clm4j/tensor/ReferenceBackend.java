package dev.clm4j.tensor;

import org.apache.commons.math3.special.Erf;

/**
 * The scalar reference backend: plain loops over host arrays, accumulating in double where sums
 * are long, written to be obviously right rather than fast. It defines the meaning of every op;
 * each op here is checked by finite differences and every other backend is checked against it.
 */
public class ReferenceBackend extends HostBackend {

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    @Override
    public String name() {
        return "reference";
    }

    // ---- memory ----------------------------------------------------------------------------

    // zeros, upload, download and write: HostBackend's host arrays.

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
        float[] av = a.data();
        float[] bv = b.data();
        float[] cv = c.data();
        int lda = a.cols();
        int ldb = b.cols();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float x = transA ? av[p * lda + i] : av[i * lda + p];
                    float y = transB ? bv[j * ldb + p] : bv[p * ldb + j];
                    s += (double) x * y;
                }
                cv[i * n + j] = (float) (s + (beta == 0f ? 0.0 : (double) beta * cv[i * n + j]));
            }
        }
    }

    @Override
    public void rowGradInto(Tensor dy, Tensor x, Indices rows, Tensor out, float beta) {
        int n = dy.rows();
        int outFeatures = dy.cols();
        int in = x.cols();
        Shapes.require(x.rows() == n, "rowGrad: dy %s and x %s differ in rows", Shapes.str(dy), Shapes.str(x));
        Shapes.require(out.rows() == rows.length() && out.cols() == in, "rowGrad: output %s, expected [%d, %d]",
                Shapes.str(out), rows.length(), in);
        float[] d = dy.data();
        float[] xv = x.data();
        float[] o = out.data();
        for (int r = 0; r < rows.length(); r++) {
            int row = rows.get(r);
            Shapes.require(row >= 0 && row < outFeatures, "rowGrad: row %d outside [0, %d)", row, outFeatures);
            for (int j = 0; j < in; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (double) d[i * outFeatures + row] * xv[i * in + j];
                }
                o[r * in + j] = (float) (s + (beta == 0f ? 0.0 : (double) beta * o[r * in + j]));
            }
        }
    }

    // ---- elementwise and reductions ---------------------------------------------------------

    @Override
    public Tensor add(Tensor a, Tensor b) {
        Shapes.require(a.size() == b.size(), "add: %s and %s", Shapes.str(a), Shapes.str(b));
        float[] out = new float[a.size()];
        float[] av = a.data();
        float[] bv = b.data();
        for (int i = 0; i < out.length; i++) {
            out[i] = av[i] + bv[i];
        }
        return Tensor.host(out, a.shape());
    }

    @Override
    public void addInto(Tensor acc, Tensor x) {
        Shapes.require(acc.size() == x.size(), "addInto: %s and %s", Shapes.str(acc), Shapes.str(x));
        float[] av = acc.data();
        float[] xv = x.data();
        for (int i = 0; i < av.length; i++) {
            av[i] += xv[i];
        }
    }

    @Override
    public void scaleInPlace(Tensor t, float s) {
        float[] v = t.data();
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
    }

    @Override
    public Tensor addBias(Tensor x, Tensor bias) {
        int d = x.cols();
        Shapes.require(bias.size() == d, "addBias: x %s, bias %s", Shapes.str(x), Shapes.str(bias));
        float[] xv = x.data();
        float[] bv = bias.data();
        float[] out = new float[xv.length];
        for (int i = 0; i < xv.length; i++) {
            out[i] = xv[i] + bv[i % d];
        }
        return Tensor.host(out, x.shape());
    }

    @Override
    public void biasGradInto(Tensor dy, Tensor out, float beta) {
        int d = dy.cols();
        Shapes.require(out.size() == d, "biasGrad: dy %s, out %s", Shapes.str(dy), Shapes.str(out));
        float[] dv = dy.data();
        float[] o = out.data();
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int i = 0; i < dy.rows(); i++) {
                s += dv[i * d + j];
            }
            o[j] = (float) (s + (beta == 0f ? 0.0 : (double) beta * o[j]));
        }
    }

    @Override
    public Tensor gelu(Tensor x) {
        float[] xv = x.data();
        float[] out = new float[xv.length];
        for (int i = 0; i < xv.length; i++) {
            double v = xv[i];
            out[i] = (float) (0.5 * v * (1.0 + Erf.erf(v * INV_SQRT2)));
        }
        return Tensor.host(out, x.shape());
    }

    @Override
    public Tensor geluBackward(Tensor x, Tensor dy) {
        float[] xv = x.data();
        float[] dv = dy.data();
        float[] out = new float[xv.length];
        for (int i = 0; i < xv.length; i++) {
            double v = xv[i];
            double cdf = 0.5 * (1.0 + Erf.erf(v * INV_SQRT2));
            double pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
            out[i] = (float) (dv[i] * (cdf + v * pdf));
        }
        return Tensor.host(out, x.shape());
    }

    @Override
    public double sumSquares(Tensor t) {
        double s = 0;
        for (float v : t.data()) {
            s += (double) v * v;
        }
        return s;
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        Shapes.require(a.size() == b.size(), "dot: %s and %s", Shapes.str(a), Shapes.str(b));
        float[] av = a.data();
        float[] bv = b.data();
        double s = 0;
        for (int i = 0; i < av.length; i++) {
            s += (double) av[i] * bv[i];
        }
        return s;
    }

    // ---- normalization and softmax ----------------------------------------------------------

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
        for (int i = 0; i < n; i++) {
            double mu = 0;
            for (int j = 0; j < d; j++) {
                mu += xv[i * d + j];
            }
            mu /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double c = xv[i * d + j] - mu;
                var += c * c;
            }
            var /= d;
            double rs = 1.0 / Math.sqrt(var + eps);
            mean[i] = (float) mu;
            rstd[i] = (float) rs;
            for (int j = 0; j < d; j++) {
                y[i * d + j] = (float) ((xv[i * d + j] - mu) * rs * g[j] + b[j]);
            }
        }
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
        double[] dg = new double[d];
        double[] db = new double[d];
        for (int i = 0; i < n; i++) {
            double mu = mean[i];
            double rs = rstd[i];
            // With xhat = (x - mu) * rs and dxhat = dy * gamma:
            // dx = rs * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
            double sumDxhat = 0;
            double sumDxhatXhat = 0;
            for (int j = 0; j < d; j++) {
                double xhat = (xv[i * d + j] - mu) * rs;
                double dxhat = (double) dv[i * d + j] * g[j];
                sumDxhat += dxhat;
                sumDxhatXhat += dxhat * xhat;
                dg[j] += dv[i * d + j] * xhat;
                db[j] += dv[i * d + j];
            }
            if (dx != null) {
                double m1 = sumDxhat / d;
                double m2 = sumDxhatXhat / d;
                for (int j = 0; j < d; j++) {
                    double xhat = (xv[i * d + j] - mu) * rs;
                    double dxhat = (double) dv[i * d + j] * g[j];
                    dx[i * d + j] = (float) (rs * (dxhat - m1 - xhat * m2));
                }
            }
        }
        if (dGamma != null) {
            float[] o = dGamma.data();
            for (int j = 0; j < d; j++) {
                o[j] += (float) dg[j];
            }
        }
        if (dBeta != null) {
            float[] o = dBeta.data();
            for (int j = 0; j < d; j++) {
                o[j] += (float) db[j];
            }
        }
        return dx == null ? null : Tensor.host(dx, x.shape());
    }

    @Override
    public Tensor softmax(Tensor x) {
        int n = x.rows();
        int d = x.cols();
        float[] xv = x.data();
        float[] y = new float[xv.length];
        for (int i = 0; i < n; i++) {
            softmaxRow(xv, i * d, d, y, i * d, null, 0);
        }
        return Tensor.host(y, x.shape());
    }

    /** Softmax of src[off..off+len) into dst, where mask (if not null) zero excludes an entry. */
    private static void softmaxRow(float[] src, int off, int len, float[] dst, int dstOff, float[] mask, int maskOff) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            if (mask == null || mask[maskOff + j] != 0f) {
                max = Math.max(max, src[off + j]);
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            for (int j = 0; j < len; j++) {
                dst[dstOff + j] = 0f;
            }
            return;
        }
        double sum = 0;
        double[] e = new double[len];
        for (int j = 0; j < len; j++) {
            if (mask == null || mask[maskOff + j] != 0f) {
                e[j] = Math.exp(src[off + j] - max);
                sum += e[j];
            }
        }
        for (int j = 0; j < len; j++) {
            dst[dstOff + j] = (float) (e[j] / sum);
        }
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor dy) {
        int n = y.rows();
        int d = y.cols();
        float[] yv = y.data();
        float[] dv = dy.data();
        float[] dx = new float[yv.length];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) yv[i * d + j] * dv[i * d + j];
            }
            for (int j = 0; j < d; j++) {
                dx[i * d + j] = (float) (yv[i * d + j] * (dv[i * d + j] - s));
            }
        }
        return Tensor.host(dx, y.shape());
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
        float[] qv = q.data();
        float[] kv = k.data();
        float[] vv = v.data();
        float[] mask = keyMask.data();
        float[] probs = new float[batch * heads * tq * tk];
        float[] out = new float[q.size()];
        float[] scores = new float[tk];
        double scale = 1.0 / Math.sqrt(dh);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tq; i++) {
                    int qRow = (b * tq + i) * width + h * dh;
                    for (int j = 0; j < tk; j++) {
                        int kRow = (b * tk + j) * width + h * dh;
                        double s = 0;
                        for (int c = 0; c < dh; c++) {
                            s += (double) qv[qRow + c] * kv[kRow + c];
                        }
                        scores[j] = (float) (s * scale);
                    }
                    int pOff = ((b * heads + h) * tq + i) * tk;
                    softmaxRow(scores, 0, tk, probs, pOff, mask, b * tk);
                    for (int c = 0; c < dh; c++) {
                        double s = 0;
                        for (int j = 0; j < tk; j++) {
                            s += (double) probs[pOff + j] * vv[(b * tk + j) * width + h * dh + c];
                        }
                        out[qRow + c] = (float) s;
                    }
                }
            }
        }
        return new AttentionResult(Tensor.host(out, q.shape()), Tensor.host(probs, batch, heads, tq, tk));
    }

    @Override
    public AttentionGrads attentionBackward(Tensor dOut, Tensor q, Tensor k, Tensor v, Tensor probs,
                                            int batch, int heads) {
        int tq = q.rows() / batch;
        int tk = k.rows() / batch;
        int width = q.cols();
        int dh = width / heads;
        float[] qv = q.data();
        float[] kv = k.data();
        float[] vv = v.data();
        float[] p = probs.data();
        float[] dov = dOut.data();
        float[] dq = new float[q.size()];
        float[] dk = new float[k.size()];
        float[] dv = new float[v.size()];
        double scale = 1.0 / Math.sqrt(dh);
        double[] dp = new double[tk];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < tq; i++) {
                    int qRow = (b * tq + i) * width + h * dh;
                    int pOff = ((b * heads + h) * tq + i) * tk;
                    // dP = dOut . V^T ; dV += P^T . dOut
                    double rowDot = 0;
                    for (int j = 0; j < tk; j++) {
                        int vRow = (b * tk + j) * width + h * dh;
                        double s = 0;
                        for (int c = 0; c < dh; c++) {
                            s += (double) dov[qRow + c] * vv[vRow + c];
                            dv[vRow + c] += (float) ((double) p[pOff + j] * dov[qRow + c]);
                        }
                        dp[j] = s;
                        rowDot += s * p[pOff + j];
                    }
                    // dS = P * (dP - sum(P * dP)), then through the scaled product.
                    for (int j = 0; j < tk; j++) {
                        double ds = p[pOff + j] * (dp[j] - rowDot) * scale;
                        if (ds == 0) {
                            continue;
                        }
                        int kRow = (b * tk + j) * width + h * dh;
                        for (int c = 0; c < dh; c++) {
                            dq[qRow + c] += (float) (ds * kv[kRow + c]);
                            dk[kRow + c] += (float) (ds * qv[qRow + c]);
                        }
                    }
                }
            }
        }
        return new AttentionGrads(Tensor.host(dq, q.shape()), Tensor.host(dk, k.shape()), Tensor.host(dv, v.shape()));
    }

    // ---- rows: embedding lookups, pooling ----------------------------------------------------

    @Override
    public Tensor gatherRows(Tensor table, Indices ids) {
        int d = table.cols();
        int rows = table.rows();
        float[] t = table.data();
        float[] out = new float[ids.length() * d];
        for (int i = 0; i < ids.length(); i++) {
            int id = ids.get(i);
            Shapes.require(id >= 0 && id < rows, "gatherRows: index %d outside [0, %d)", id, rows);
            System.arraycopy(t, id * d, out, i * d, d);
        }
        return Tensor.host(out, ids.length(), d);
    }

    @Override
    public void scatterAddRows(Tensor dy, Indices ids, Tensor out, Indices rowMap) {
        int d = dy.cols();
        Shapes.require(out.cols() == d && dy.rows() == ids.length(), "scatterAddRows: dy %s, %d ids, out %s",
                Shapes.str(dy), ids.length(), Shapes.str(out));
        float[] dv = dy.data();
        float[] o = out.data();
        for (int i = 0; i < ids.length(); i++) {
            int target = rowMap == null ? ids.get(i) : rowMap.get(ids.get(i));
            if (target < 0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                o[target * d + j] += dv[i * d + j];
            }
        }
    }

    @Override
    public Tensor prependRows(Tensor prefix, Tensor x, int batch) {
        int t = Shapes.prependRows(prefix, x, batch);
        int n = prefix.rows();
        int d = prefix.cols();
        float[] p = prefix.data();
        float[] xv = x.data();
        float[] out = new float[batch * (n + t) * d];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n + t; i++) {
                for (int j = 0; j < d; j++) {
                    out[(b * (n + t) + i) * d + j] = i < n ? p[i * d + j] : xv[(b * t + i - n) * d + j];
                }
            }
        }
        return Tensor.host(out, batch * (n + t), d);
    }

    @Override
    public PrependRowsGrads prependRowsBackward(Tensor dOut, int prefixRows, int batch, boolean needPrefix,
                                                boolean needRows) {
        int n = prefixRows;
        int t = Shapes.prependRowsBackward(dOut, n, batch);
        int d = dOut.cols();
        float[] dy = dOut.data();
        Tensor dPrefix = null;
        if (needPrefix) {
            float[] g = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    double s = 0;
                    for (int b = 0; b < batch; b++) {
                        s += dy[(b * (n + t) + i) * d + j];
                    }
                    g[i * d + j] = (float) s;
                }
            }
            dPrefix = Tensor.host(g, n, d);
        }
        Tensor dRows = null;
        if (needRows) {
            float[] g = new float[batch * t * d];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < d; j++) {
                        g[(b * t + i) * d + j] = dy[(b * (n + t) + n + i) * d + j];
                    }
                }
            }
            dRows = Tensor.host(g, batch * t, d);
        }
        return new PrependRowsGrads(dPrefix, dRows);
    }

    @Override
    public Tensor maskedMeanPool(Tensor h, Tensor mask, int batch) {
        int t = h.rows() / batch;
        int d = h.cols();
        float[] hv = h.data();
        float[] m = mask.data();
        float[] out = new float[batch * d];
        for (int b = 0; b < batch; b++) {
            double count = 0;
            for (int i = 0; i < t; i++) {
                count += m[b * t + i];
            }
            double inv = 1.0 / Math.max(count, 1e-9);
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int i = 0; i < t; i++) {
                    s += (double) m[b * t + i] * hv[(b * t + i) * d + j];
                }
                out[b * d + j] = (float) (s * inv);
            }
        }
        return Tensor.host(out, batch, d);
    }

    @Override
    public Tensor maskedMeanPoolBackward(Tensor dy, Tensor mask, int batch) {
        int t = mask.size() / batch;
        int d = dy.cols();
        float[] dv = dy.data();
        float[] m = mask.data();
        float[] out = new float[batch * t * d];
        for (int b = 0; b < batch; b++) {
            double count = 0;
            for (int i = 0; i < t; i++) {
                count += m[b * t + i];
            }
            double inv = 1.0 / Math.max(count, 1e-9);
            for (int i = 0; i < t; i++) {
                double w = m[b * t + i] * inv;
                for (int j = 0; j < d; j++) {
                    out[(b * t + i) * d + j] = (float) (w * dv[b * d + j]);
                }
            }
        }
        return Tensor.host(out, batch * t, d);
    }

    // ---- loss --------------------------------------------------------------------------------

    @Override
    public LossResult crossEntropy(Tensor logits, Indices labels) {
        int n = logits.rows();
        int c = logits.cols();
        Shapes.require(labels.length() == n, "crossEntropy: %d labels for logits %s", labels.length(), Shapes.str(logits));
        Tensor probs = softmax(logits);
        float[] p = probs.data();
        float[] l = logits.data();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int y = labels.get(i);
            Shapes.require(y >= 0 && y < c, "crossEntropy: label %d outside [0, %d)", y, c);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, l[i * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(l[i * c + j] - max);
            }
            loss += Math.log(sum) + max - l[i * c + y];
        }
        return new LossResult(Tensor.host(new float[] {(float) (loss / n)}, 1), probs);
    }

    @Override
    public Tensor crossEntropyBackward(Tensor probs, Indices labels, float scale) {
        int c = probs.cols();
        float[] p = probs.data();
        float[] d = new float[p.length];
        for (int i = 0; i < probs.rows(); i++) {
            for (int j = 0; j < c; j++) {
                d[i * c + j] = (p[i * c + j] - (j == labels.get(i) ? 1f : 0f)) * scale;
            }
        }
        return Tensor.host(d, probs.shape());
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
        for (int i = 0; i < pv.length; i++) {
            adamWEntry(pv, i, gv[i], mv, vv, i, s);
        }
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
        for (int i = 0; i < k; i++) {
            float grad = gv[gradIdx == null ? i : gradIdx.get(i)];
            adamWEntry(pv, paramIdx.get(i), grad, mv, vv, i, s);
        }
    }

    private static void adamWEntry(float[] p, int pi, float g, float[] m, float[] v, int si, AdamWStep s) {
        double mi = s.beta1() * (double) m[si] + (1.0 - s.beta1()) * g;
        double vi = s.beta2() * (double) v[si] + (1.0 - s.beta2()) * (double) g * g;
        m[si] = (float) mi;
        v[si] = (float) vi;
        double mHat = mi / s.biasCorrection1();
        double vHat = vi / s.biasCorrection2();
        double w = p[pi];
        w -= s.lr() * s.weightDecay() * w;
        w -= s.lr() * mHat / (Math.sqrt(vHat) + s.eps());
        p[pi] = (float) w;
    }
}
