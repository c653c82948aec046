package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A LoRA adapter (Hu et al. 2021) of one linear layer: the layer computes
 * y = x W^T + b + (alpha / r) * (dropout(x) A^T) B^T, with A [r, in] and B [out, r] trainable and
 * W frozen. A starts Kaiming-uniform as in PEFT (torch's nn.Linear init, bound 1 / sqrt(in)), B at
 * zero, so a fresh adapter changes nothing. It is built from existing differentiable ops (two
 * linears and a scale), so its backward needs no code of its own. Parameter names follow PEFT's
 * ({@code <layer>.lora_A.weight}); {@link Linear#mergeAdapter} folds the adapter into W.
 */
public final class LoraAdapter implements Module {
    private final Parameter a;
    private final Parameter b;
    private final int rank;
    private final float scale;
    private final float dropout;
    private final SplittableRandom dropoutRng;

    /**
     * @param prefix  the adapted layer's name (its weight's name without ".weight")
     * @param rng     draws A, then seeds this adapter's dropout masks
     */
    public LoraAdapter(String prefix, Backend backend, SplittableRandom rng, int in, int out, int rank, double alpha,
                       double dropout) {
        if (rank < 1) {
            throw new IllegalArgumentException("LoRA rank must be at least 1, got " + rank);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
        }
        this.a = new Parameter(prefix + ".lora_A.weight", Init.uniform(backend, rng, 1.0 / Math.sqrt(in), rank, in));
        this.b = new Parameter(prefix + ".lora_B.weight", backend.zeros(out, rank));
        this.rank = rank;
        this.scale = (float) (alpha / rank);
        this.dropout = (float) dropout;
        this.dropoutRng = rng.split();
        a.trainAll();
        b.trainAll();
    }

    /**
     * The adapter's addition to the layer's output, [n, out]. Dropout applies only in a training
     * step (ops that record a tape); inference ops (evaluation, prediction, the frozen-prefix cache,
     * the linear probe's features) see the deterministic adapter. The scale is applied to the
     * [n, r] intermediate, the cheapest place.
     */
    public Var forward(Ops ops, Var x) {
        Var in = dropout > 0 && ops.recording() ? ops.dropout(x, dropout, dropoutRng.nextLong()) : x;
        return ops.linear(ops.scale(ops.linear(in, a, null), scale), b, null);
    }

    /** W += (alpha / r) B A, in place. */
    void mergeInto(Backend backend, Parameter weight) {
        Tensor delta = backend.matmul(b.value(), false, a.value(), false);
        backend.scaleInPlace(delta, scale);
        backend.addInto(weight.value(), delta);
    }

    public Parameter a() {
        return a;
    }

    public Parameter b() {
        return b;
    }

    public int rank() {
        return rank;
    }

    /** alpha / r. */
    public float scale() {
        return scale;
    }

    public float dropout() {
        return dropout;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(a, b);
    }
}
