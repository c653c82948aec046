package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import java.util.List;

/** LayerNorm over the last dimension, named weight/bias as Hugging Face names gamma/beta. */
public final class LayerNorm implements Module {
    private final Parameter gamma;
    private final Parameter beta;
    private final float eps;

    public LayerNorm(String prefix, Backend backend, int dim, float eps) {
        this.gamma = new Parameter(prefix + ".weight", Init.filled(backend, 1f, dim));
        this.beta = new Parameter(prefix + ".bias", backend.zeros(dim));
        this.eps = eps;
    }

    public Var forward(Ops ops, Var x) {
        return ops.layerNorm(x, gamma, beta, eps);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }
}
