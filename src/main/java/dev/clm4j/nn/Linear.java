package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import java.util.List;
import java.util.SplittableRandom;

/** y = x W^T + b with W stored [out, in] as in Hugging Face checkpoints. */
public final class Linear implements Module {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(String prefix, Backend backend, SplittableRandom rng, int in, int out) {
        this.weight = new Parameter(prefix + ".weight", Init.normal(backend, rng, 0.02, out, in));
        this.bias = new Parameter(prefix + ".bias", backend.zeros(out));
    }

    public Var forward(Ops ops, Var x) {
        return ops.linear(x, weight, bias);
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
        return List.of(weight, bias);
    }
}
