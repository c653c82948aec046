package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import java.util.List;
import java.util.SplittableRandom;

/**
 * y = x W^T + b with W stored [out, in] as in Hugging Face checkpoints, optionally plus a LoRA
 * adapter's term (its parameters then count among this layer's, so the trainer, the optimizer
 * and {@code BertEncoder.lowestTrainableLayer} see them) until it is merged into W.
 */
public final class Linear implements Module {
    private final Parameter weight;
    private final Parameter bias;
    private LoraAdapter adapter;

    public Linear(String prefix, Backend backend, SplittableRandom rng, int in, int out) {
        this.weight = new Parameter(prefix + ".weight", Init.normal(backend, rng, 0.02, out, in));
        this.bias = new Parameter(prefix + ".bias", backend.zeros(out));
    }

    public Var forward(Ops ops, Var x) {
        Var y = ops.linear(x, weight, bias);
        return adapter == null ? y : ops.add(y, adapter.forward(ops, x));
    }

    /** GELU of this layer's output (fused when nothing needs a gradient and there is no adapter). */
    public Var forwardGelu(Ops ops, Var x) {
        return adapter == null ? ops.linearGelu(x, weight, bias) : ops.gelu(forward(ops, x));
    }

    /** A fresh LoRA adapter of rank r on this layer (seeded by {@code rng}); it is returned, trainable. */
    public LoraAdapter attachAdapter(Backend backend, SplittableRandom rng, int rank, double alpha, double dropout) {
        if (adapter != null) {
            throw new IllegalStateException(weight.name() + " already has a LoRA adapter");
        }
        String prefix = weight.name().endsWith(".weight")
                ? weight.name().substring(0, weight.name().length() - ".weight".length()) : weight.name();
        adapter = new LoraAdapter(prefix, backend, rng, in(), out(), rank, alpha, dropout);
        return adapter;
    }

    /** The attached adapter, or null. */
    public LoraAdapter adapter() {
        return adapter;
    }

    /**
     * Folds the adapter into the weight (W += (alpha / r) B A) and removes it: the layer computes
     * the same function (up to float rounding) as a plain linear, which is what a checkpoint holds.
     * Does nothing without an adapter.
     */
    public void mergeAdapter(Backend backend) {
        if (adapter != null) {
            adapter.mergeInto(backend, weight);
            adapter = null;
        }
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int in() {
        return weight.value().cols();
    }

    public int out() {
        return weight.value().rows();
    }

    @Override
    public List<Parameter> parameters() {
        return adapter == null ? List.of(weight, bias) : List.of(weight, bias, adapter.a(), adapter.b());
    }
}
