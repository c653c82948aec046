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
    /**
     * Training with {@link #recycling}: the tensors this Ops owns outright (op outputs and the
     * gradients handed to values), by storage, and the storages it must never give back (inputs it
     * did not make, and anything two holders share).
     */
    private boolean recycling;
    private final java.util.IdentityHashMap<Object, Tensor> owned = new java.util.IdentityHashMap<>();
    private final java.util.Set<Object> pinned = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

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

    /**
     * Recording only: gives memory back to the backend while backward runs, so that a training step
     * reuses its own dead arrays instead of allocating (and zeroing) new ones. Once the backward step
     * of an op has run, its output's value and gradient are dead: every op that read them was
     * recorded later, so its backward step ran earlier. The caller promises not to read the value of
     * any intermediate after backward, and calls {@link #releaseAll} once the step is over (after the
     * optimizer has used the parameters' gradients). Inputs this Ops did not make (parameters, the
     * batch, a cache) are never given back.
     */
    public Ops recycling() {
        if (tape != null) {
            recycling = true;
        }
        return this;
    }

    /**
     * The step is over: everything this Ops made or accumulated that it still owns (parameters'
     * gradients among them, already applied and cleared by the optimizer) goes back to the backend.
     */
    public void releaseAll() {
        for (Tensor t : owned.values()) {
            backend.recycle(t);
        }
        owned.clear();
        pinned.clear();
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
        own(value);
        return new Var(value, track);
    }

    /** Recycling: this Ops holds the only reference to t, unless t is an input or already held. */
    private void own(Tensor t) {
        if (!recycling || t == null) {
            return;
        }
        Object s = t.storage();
        if (pinned.contains(s)) {
            return;
        }
        if (owned.remove(s) != null) {
            pinned.add(s); // a second holder: shared, so never given back
            return;
        }
        owned.put(s, t);
    }

    /** Recycling: gives t back if this Ops owns it, now that its one holder is done with it. */
    private void release(Tensor t) {
        if (recycling && t != null && owned.remove(t.storage()) != null) {
            backend.recycle(t);
        }
    }

    /** Records the backward step of the op that made {@code out}; afterwards out is dead. */
    private void record(Var out, Runnable step, Tensor... saved) {
        if (!recycling) {
            tape.record(step);
            return;
        }
        for (Tensor t : saved) {
            own(t);
        }
        tape.record(() -> {
            step.run();
            release(out.grad());
            out.clearGrad();
            release(out.value());
            for (Tensor t : saved) {
                release(t);
            }
        });
    }

    /**
     * Adds a gradient contribution to v (see {@link Var#accumulateGrad}). A contribution added into
     * an existing gradient is dead at once; a first one becomes v's gradient, owned like a value.
     */
    private void accumulate(Var v, Tensor g) {
        boolean first = v.grad() == null;
        v.accumulateGrad(backend, g);
        if (first) {
            own(g);
        } else if (recycling && !pinned.contains(g.storage()) && !owned.containsKey(g.storage())) {
            backend.recycle(g);
        }
    }

    private boolean tracks(Var... inputs) {
        if (tape == null) {
            return false;
        }
        boolean any = false;
        for (Var v : inputs) {
            if (v == null) {
                continue;
            }
            if (recycling && !owned.containsKey(v.value().storage())) {
                pinned.add(v.value().storage()); // not made here: a parameter, the batch, a cache
            }
            any |= v.requiresGrad();
        }
        return any;
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
            record(out, () -> {
                Tensor dy = out.grad();
                if (wants(x)) {
                    accumulate(x, backend.matmul(dy, false, w.value(), false));
                }
                Tensor dyW = dy;
                Tensor xW = x.value();
                if (weightGradRows != null && dy.rows() == weightGradTotalRows && (wants(w) || wants(bias))) {
                    dyW = backend.gatherRows(dy, weightGradRows);
                    xW = backend.gatherRows(xW, weightGradRows);
                }
                if (wants(w)) {
                    accumulate(w, weightGrad(dyW, xW, w));
                }
                if (wants(bias)) {
                    Tensor full = backend.scratch(bias.value().shape());
                    backend.biasGradInto(dyW, full, 0f);
                    accumulate(bias, compact(full, bias));
                }
                if (recycling && dyW != dy) {
                    backend.recycle(dyW); // the gathered rows, dead now
                    backend.recycle(xW);
                }
            });
        }
        return out;
    }

    private Tensor weightGrad(Tensor dy, Tensor x, Var w) {
        GradRows rows = w.gradRows();
        if (rows == null) {
            Tensor g = backend.scratch(w.value().shape());
            backend.matmulInto(dy, true, x, false, g, 0f);
            return g;
        }
        Tensor g = backend.scratch(rows.count(), w.value().cols());
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
            record(out, () -> {
                Tensor dc = out.grad();
                if (wants(a)) {
                    // C = A B: dA = dC B^T; with A^T stored, d(A^T) = (dC B^T)^T = B dC^T.
                    Tensor da = transA ? backend.matmul(b.value(), transB, dc, true)
                            : backend.matmul(dc, false, b.value(), !transB);
                    accumulate(a, da);
                }
                if (wants(b)) {
                    Tensor db = transB ? backend.matmul(dc, true, a.value(), transA)
                            : backend.matmul(a.value(), !transA, dc, false);
                    accumulate(b, db);
                }
            });
        }
        return out;
    }

    public Var add(Var a, Var b) {
        boolean track = tracks(a, b);
        Var out = made(backend.add(a.value(), b.value()), track);
        if (track) {
            record(out, () -> {
                Tensor dy = out.grad();
                // Recycling: dy is dead after this step, so the last input that wants it gets dy
                // itself instead of a copy (when this Ops owns it outright).
                boolean handOver = recycling && owned.remove(dy.storage()) != null;
                if (handOver) {
                    out.clearGrad();
                }
                if (wants(a)) {
                    accumulate(a, handOver && !wants(b) ? dy : backend.copy(dy));
                }
                if (wants(b)) {
                    accumulate(b, handOver ? dy : backend.copy(dy));
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
            record(out, () -> {
                Tensor d = backend.copy(out.grad());
                backend.scaleInPlace(d, s);
                accumulate(x, d);
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
            record(out, () -> {
                float[] scale = dropoutMask(seed, x.value().size(), p);
                accumulate(x, backend.upload(times(backend.download(out.grad()), scale), x.value().shape()));
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
            record(out, () -> accumulate(x, backend.geluBackward(x.value(), out.grad())));
        }
        return out;
    }

    public Var softmax(Var x) {
        boolean track = tracks(x);
        Var out = made(backend.softmax(x.value()), track);
        if (track) {
            record(out, () -> accumulate(x, backend.softmaxBackward(out.value(), out.grad())));
        }
        return out;
    }

    public Var layerNorm(Var x, Var gamma, Var beta, float eps) {
        LayerNormResult r = backend.layerNorm(x.value(), gamma.value(), beta.value(), eps);
        boolean track = tracks(x, gamma, beta);
        Var out = made(r.y(), track);
        if (track) {
            record(out, () -> {
                Tensor dGamma = wants(gamma) ? backend.zeros(gamma.value().shape()) : null;
                Tensor dBeta = wants(beta) ? backend.zeros(beta.value().shape()) : null;
                Tensor dx = backend.layerNormBackward(out.grad(), x.value(), gamma.value(), r, dGamma, dBeta, wants(x));
                if (dx != null) {
                    accumulate(x, dx);
                }
                if (dGamma != null) {
                    accumulate(gamma, compact(dGamma, gamma));
                }
                if (dBeta != null) {
                    accumulate(beta, compact(dBeta, beta));
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
            record(out, () -> {
                AttentionGrads g = backend.attentionBackward(out.grad(), q.value(), k.value(), v.value(), r.probs(),
                        batch, heads);
                if (wants(q)) {
                    accumulate(q, g.dq());
                }
                if (wants(k)) {
                    accumulate(k, g.dk());
                }
                if (wants(v)) {
                    accumulate(v, g.dv());
                }
            }, r.probs());
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
            record(result, () -> {
                PrependRowsGrads g = backend.prependRowsBackward(result.grad(), n, batch, wants(prefix), wants(x));
                if (g.dRows() != null) {
                    accumulate(x, g.dRows());
                }
                if (g.dPrefix() != null) {
                    GradRows rows = prefix.gradRows();
                    accumulate(prefix, rows == null ? g.dPrefix() : backend.gatherRows(g.dPrefix(), rows.rows()));
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
            record(out, () -> {
                GradRows rows = table.gradRows();
                Tensor g = rows == null ? backend.zeros(table.value().shape())
                        : backend.zeros(rows.count(), table.value().cols());
                backend.scatterAddRows(out.grad(), ids, g, rows == null ? null : rows.rowMap());
                accumulate(table, g);
            });
        }
        return out;
    }

    /** Mean of the real tokens of each sequence; the mask [batch, t] is a constant. */
    public Var meanPool(Var h, Tensor mask, int batch) {
        boolean track = tracks(h);
        Var out = made(backend.maskedMeanPool(h.value(), mask, batch), track);
        if (track) {
            record(out, () -> accumulate(h, backend.maskedMeanPoolBackward(out.grad(), mask, batch)));
        }
        return out;
    }

    /** Mean cross-entropy of logits [n, c] against labels (a scalar). */
    public Var crossEntropy(Var logits, Indices labels) {
        LossResult r = backend.crossEntropy(logits.value(), labels);
        boolean track = tracks(logits);
        Var out = made(r.loss(), track);
        if (track) {
            record(out, () -> {
                float upstream = backend.download(out.grad())[0];
                logits.accumulateGrad(backend,
                        backend.crossEntropyBackward(r.probs(), labels, upstream / logits.value().rows()));
            }, r.probs());
        }
        return out;
    }

    /** sum(x * weights) as a scalar: a loss with a known, non-trivial gradient, for tests. */
    public Var weightedSum(Var x, Tensor weights) {
        float s = (float) backend.dot(x.value(), weights);
        boolean track = tracks(x);
        Var out = made(backend.upload(new float[] {s}, 1), track);
        if (track) {
            record(out, () -> {
                Tensor d = backend.copy(weights);
                backend.scaleInPlace(d, backend.download(out.grad())[0]);
                accumulate(x, d.reshape(x.value().shape()));
            });
        }
        return out;
    }
}
