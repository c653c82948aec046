package dev.clm4j.autograd;

import dev.clm4j.tensor.AttentionGrads;
import dev.clm4j.tensor.AttentionResult;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.LayerNormResult;
import dev.clm4j.tensor.LossResult;
import dev.clm4j.tensor.PrependRowsGrads;
import dev.clm4j.tensor.Tensor;

/**
 * Differentiable functions over {@link Var}s: each runs its forward op on the backend and, when a
 * gradient must flow to any input, records on the tape how to send it back. Backward computes only
 * what is needed: no input gradient for an input that needs none (so propagation stops below the
 * lowest trainable layer), and weight gradients only for the rows a parameter selects.
 */
public final class Ops {
    private final Backend backend;
    private final Tape tape;
    private Indices weightGradRows;
    private int weightGradTotalRows = -1;
    /** Inference only: the tensors this Ops made, in order, so that a scope can give them back. */
    private final java.util.List<Tensor> made = new java.util.ArrayList<>();
    private int openScopes;

    /** Ops that record on the given tape; a null tape means inference (nothing recorded). */
    public Ops(Backend backend, Tape tape) {
        this.backend = backend;
        this.tape = tape;
    }

    public static Ops inference(Backend backend) {
        return new Ops(backend, null);
    }

    /**
     * Restricts the weight gradients of linear layers over activations of {@code totalRows} rows
     * (token positions) to the contributions of the given rows: dW = sum over kept p of dy_p x_p^T.
     * Input gradients are unchanged. This is the token-driven gradient of the method's stage 3.
     */
    public Ops restrictWeightGradients(Indices keptRows, int totalRows) {
        this.weightGradRows = keptRows;
        this.weightGradTotalRows = totalRows;
        return this;
    }

    public Backend backend() {
        return backend;
    }

    public boolean recording() {
        return tape != null;
    }

    /**
     * Opens a scope (inference only; a no-op when recording, since a tape keeps what backward needs):
     * the tensors made from now on are remembered until {@link #recycleSince} closes it. Outside
     * scopes nothing is remembered, so an Ops used for many batches holds on to nothing.
     */
    public int mark() {
        if (tape == null) {
            openScopes++;
        }
        return made.size();
    }

    /**
     * Closes the scope opened by {@code mark}: every tensor made in it except {@code keep}'s value
     * is dead, so the backend may reuse its memory. The caller guarantees that nothing else refers to
     * them (an encoder layer's intermediates, once the layer has returned).
     */
    public void recycleSince(int mark, Var keep) {
        if (tape != null) {
            return;
        }
        java.util.IdentityHashMap<Object, Boolean> seen = new java.util.IdentityHashMap<>();
        seen.put(keep.value().storage(), true);
        for (int i = mark; i < made.size(); i++) {
            Tensor t = made.get(i);
            if (seen.put(t.storage(), true) == null) {
                backend.recycle(t);
            }
        }
        made.subList(mark, made.size()).clear();
        openScopes--;
    }

    /** Inference only: nothing refers to {@code dead} any more (the caller made it and let go of it). */
    public void recycle(Var dead) {
        if (tape == null) {
            backend.recycle(dead.value());
        }
    }

    /** A new value; inside a scope in inference, its tensor is remembered for {@link #recycleSince}. */
    private Var made(Tensor value, boolean track) {
        if (tape == null && openScopes > 0) {
            made.add(value);
        }
        return new Var(value, track);
    }

    private boolean tracks(Var... inputs) {
        if (tape == null) {
            return false;
        }
        for (Var v : inputs) {
            if (v != null && v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    private static boolean wants(Var v) {
        return v != null && v.requiresGrad();
    }

    /** y = x W^T + b, with x [n, in], W [out, in], b [out] (b may be null). */
    public Var linear(Var x, Var w, Var bias) {
        Tensor y = backend.linear(x.value(), w.value(), bias == null ? null : bias.value());
        boolean track = tracks(x, w, bias);
        Var out = made(y, track);
        if (track) {
            tape.record(() -> {
                Tensor dy = out.grad();
                if (wants(x)) {
                    x.accumulateGrad(backend, backend.matmul(dy, false, w.value(), false));
                }
                Tensor dyW = dy;
                Tensor xW = x.value();
                if (weightGradRows != null && dy.rows() == weightGradTotalRows && (wants(w) || wants(bias))) {
                    dyW = backend.gatherRows(dy, weightGradRows);
                    xW = backend.gatherRows(xW, weightGradRows);
                }
                if (wants(w)) {
                    w.accumulateGrad(backend, weightGrad(dyW, xW, w));
                }
                if (wants(bias)) {
                    Tensor full = backend.zeros(bias.value().shape());
                    backend.biasGradInto(dyW, full, 0f);
                    bias.accumulateGrad(backend, compact(full, bias));
                }
            });
        }
        return out;
    }

    private Tensor weightGrad(Tensor dy, Tensor x, Var w) {
        GradRows rows = w.gradRows();
        if (rows == null) {
            Tensor g = backend.zeros(w.value().shape());
            backend.matmulInto(dy, true, x, false, g, 0f);
            return g;
        }
        Tensor g = backend.zeros(rows.count(), w.value().cols());
        backend.rowGradInto(dy, x, rows.rows(), g, 0f);
        return g;
    }

    /** A full gradient of a vector parameter, cut down to the entries the parameter selects. */
    private Tensor compact(Tensor full, Var p) {
        GradRows rows = p.gradRows();
        if (rows == null) {
            return full;
        }
        return backend.gatherRows(full.reshape(full.size(), 1), rows.rows()).reshape(rows.count());
    }

    /** c = op(a) op(b) for any two values (dense gradients). */
    public Var matmul(Var a, boolean transA, Var b, boolean transB) {
        Tensor c = backend.matmul(a.value(), transA, b.value(), transB);
        boolean track = tracks(a, b);
        Var out = made(c, track);
        if (track) {
            tape.record(() -> {
                Tensor dc = out.grad();
                if (wants(a)) {
                    // C = A B: dA = dC B^T; with A^T stored, d(A^T) = (dC B^T)^T = B dC^T.
                    Tensor da = transA ? backend.matmul(b.value(), transB, dc, true)
                            : backend.matmul(dc, false, b.value(), !transB);
                    a.accumulateGrad(backend, da);
                }
                if (wants(b)) {
                    Tensor db = transB ? backend.matmul(dc, true, a.value(), transA)
                            : backend.matmul(a.value(), !transA, dc, false);
                    b.accumulateGrad(backend, db);
                }
            });
        }
        return out;
    }

    public Var add(Var a, Var b) {
        boolean track = tracks(a, b);
        Var out = made(backend.add(a.value(), b.value()), track);
        if (track) {
            tape.record(() -> {
                if (wants(a)) {
                    a.accumulateGrad(backend, backend.copy(out.grad()));
                }
                if (wants(b)) {
                    b.accumulateGrad(backend, backend.copy(out.grad()));
                }
            });
        }
        return out;
    }

    /** x * s for a constant s. */
    public Var scale(Var x, float s) {
        Tensor y = backend.copy(x.value());
        backend.scaleInPlace(y, s);
        boolean track = tracks(x);
        Var out = made(y, track);
        if (track) {
            tape.record(() -> {
                Tensor d = backend.copy(out.grad());
                backend.scaleInPlace(d, s);
                x.accumulateGrad(backend, d);
            });
        }
        return out;
    }

    /**
     * Inverted dropout with a mask drawn from {@code seed}: each entry is kept with probability
     * 1 - p and scaled by 1 / (1 - p), or zeroed. The mask is a pure function of the seed and the
     * shape, so backward redraws it instead of storing it (and a finite-difference check sees the
     * same mask on every evaluation). This primitive always applies the mask; whether a module
     * drops out (training only) is its caller's decision. It runs on the host through
     * download/upload: it is off by default and small next to the GEMMs it feeds.
     */
    public Var dropout(Var x, float p, long seed) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        if (p == 0f) {
            return x;
        }
        float[] keep = dropoutMask(seed, x.value().size(), p);
        boolean track = tracks(x);
        Var out = made(backend.upload(times(backend.download(x.value()), keep), x.value().shape()), track);
        if (track) {
            tape.record(() -> {
                float[] scale = dropoutMask(seed, x.value().size(), p);
                x.accumulateGrad(backend, backend.upload(times(backend.download(out.grad()), scale), x.value().shape()));
            });
        }
        return out;
    }

    /** 1 / (1 - p) for a kept entry, 0 for a dropped one. */
    static float[] dropoutMask(long seed, int n, float p) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        float kept = 1f / (1f - p);
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = rng.nextFloat() < p ? 0f : kept;
        }
        return m;
    }

    private static float[] times(float[] values, float[] scale) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= scale[i];
        }
        return values;
    }

    /**
     * gelu(linear(x, w, bias)); when nothing needs a gradient (inference, frozen layers) it is one
     * fused backend call that keeps no pre-activation.
     */
    public Var linearGelu(Var x, Var w, Var bias) {
        if (bias == null || tracks(x, w, bias)) {
            return gelu(linear(x, w, bias));
        }
        return made(backend.linearGelu(x.value(), w.value(), bias.value()), false);
    }

    public Var gelu(Var x) {
        boolean track = tracks(x);
        Var out = made(backend.gelu(x.value()), track);
        if (track) {
            tape.record(() -> x.accumulateGrad(backend, backend.geluBackward(x.value(), out.grad())));
        }
        return out;
    }

    public Var softmax(Var x) {
        boolean track = tracks(x);
        Var out = made(backend.softmax(x.value()), track);
        if (track) {
            tape.record(() -> x.accumulateGrad(backend, backend.softmaxBackward(out.value(), out.grad())));
        }
        return out;
    }

    public Var layerNorm(Var x, Var gamma, Var beta, float eps) {
        LayerNormResult r = backend.layerNorm(x.value(), gamma.value(), beta.value(), eps);
        boolean track = tracks(x, gamma, beta);
        Var out = made(r.y(), track);
        if (track) {
            tape.record(() -> {
                Tensor dGamma = wants(gamma) ? backend.zeros(gamma.value().shape()) : null;
                Tensor dBeta = wants(beta) ? backend.zeros(beta.value().shape()) : null;
                Tensor dx = backend.layerNormBackward(out.grad(), x.value(), gamma.value(), r, dGamma, dBeta, wants(x));
                if (dx != null) {
                    x.accumulateGrad(backend, dx);
                }
                if (dGamma != null) {
                    gamma.accumulateGrad(backend, compact(dGamma, gamma));
                }
                if (dBeta != null) {
                    beta.accumulateGrad(backend, compact(dBeta, beta));
                }
            });
        }
        return out;
    }

    /** Multi-head attention; see {@link Backend#attention}. The key mask is a constant. */
    public Var attention(Var q, Var k, Var v, Tensor keyMask, int batch, int heads) {
        AttentionResult r = backend.attention(q.value(), k.value(), v.value(), keyMask, batch, heads);
        boolean track = tracks(q, k, v);
        Var out = made(r.out(), track);
        if (tape == null && openScopes > 0) {
            made.add(r.probs()); // dead with the layer, like its other intermediates
        }
        if (track) {
            tape.record(() -> {
                AttentionGrads g = backend.attentionBackward(out.grad(), q.value(), k.value(), v.value(), r.probs(),
                        batch, heads);
                if (wants(q)) {
                    q.accumulateGrad(backend, g.dq());
                }
                if (wants(k)) {
                    k.accumulateGrad(backend, g.dk());
                }
                if (wants(v)) {
                    v.accumulateGrad(backend, g.dv());
                }
            });
        }
        return out;
    }

    /**
     * Each sequence's rows after the same prefix rows: prefix [n, d] and x [batch * t, d] give
     * [batch * (n + t), d] (see {@link Backend#prependRows}; prefix tuning's keys and values). The
     * prefix's gradient is the sum over the sequences, x's gradient its own rows of the output's.
     */
    public Var prependRows(Var prefix, Var x, int batch) {
        int n = prefix.value().rows();
        Tensor out = backend.prependRows(prefix.value(), x.value(), batch);
        boolean track = tracks(prefix, x);
        Var result = made(out, track);
        if (track) {
            tape.record(() -> {
                PrependRowsGrads g = backend.prependRowsBackward(result.grad(), n, batch, wants(prefix), wants(x));
                if (g.dRows() != null) {
                    x.accumulateGrad(backend, g.dRows());
                }
                if (g.dPrefix() != null) {
                    GradRows rows = prefix.gradRows();
                    prefix.accumulateGrad(backend, rows == null ? g.dPrefix() : backend.gatherRows(g.dPrefix(), rows.rows()));
                }
            });
        }
        return result;
    }

    /**
     * Rows of a table by index (an embedding lookup, or picking the CLS rows of hidden states). The
     * gradient is scattered back, only into the rows the table selects when it selects some.
     */
    public Var gatherRows(Var table, Indices ids) {
        boolean track = tracks(table);
        Var out = made(backend.gatherRows(table.value(), ids), track);
        if (track) {
            tape.record(() -> {
                GradRows rows = table.gradRows();
                Tensor g = rows == null ? backend.zeros(table.value().shape())
                        : backend.zeros(rows.count(), table.value().cols());
                backend.scatterAddRows(out.grad(), ids, g, rows == null ? null : rows.rowMap());
                table.accumulateGrad(backend, g);
            });
        }
        return out;
    }

    /** Mean of the real tokens of each sequence; the mask [batch, t] is a constant. */
    public Var meanPool(Var h, Tensor mask, int batch) {
        boolean track = tracks(h);
        Var out = made(backend.maskedMeanPool(h.value(), mask, batch), track);
        if (track) {
            tape.record(() -> h.accumulateGrad(backend, backend.maskedMeanPoolBackward(out.grad(), mask, batch)));
        }
        return out;
    }

    /** Mean cross-entropy of logits [n, c] against labels (a scalar). */
    public Var crossEntropy(Var logits, Indices labels) {
        LossResult r = backend.crossEntropy(logits.value(), labels);
        boolean track = tracks(logits);
        Var out = made(r.loss(), track);
        if (track) {
            tape.record(() -> {
                float upstream = backend.download(out.grad())[0];
                logits.accumulateGrad(backend,
                        backend.crossEntropyBackward(r.probs(), labels, upstream / logits.value().rows()));
            });
        }
        return out;
    }

    /** sum(x * weights) as a scalar: a loss with a known, non-trivial gradient, for tests. */
    public Var weightedSum(Var x, Tensor weights) {
        float s = (float) backend.dot(x.value(), weights);
        boolean track = tracks(x);
        Var out = made(backend.upload(new float[] {s}, 1), track);
        if (track) {
            tape.record(() -> {
                Tensor d = backend.copy(weights);
                backend.scaleInPlace(d, backend.download(out.grad())[0]);
                x.accumulateGrad(backend, d.reshape(x.value().shape()));
            });
        }
        return out;
    }
}
