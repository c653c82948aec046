package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.List;
import java.util.SplittableRandom;

/** A lookup table [rows, dim]; its gradient is a scatter-add into the looked-up rows. */
public final class Embedding implements Module {
    private final Parameter weight;

    public Embedding(String prefix, Backend backend, SplittableRandom rng, int rows, int dim) {
        this.weight = new Parameter(prefix + ".weight", Init.normal(backend, rng, 0.02, rows, dim));
    }

    public Var forward(Ops ops, Indices ids) {
        return ops.gatherRows(weight, ids);
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight);
    }
}
