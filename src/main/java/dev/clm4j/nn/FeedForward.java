package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** BERT's position-wise feed-forward: intermediate.dense, GELU, output.dense. */
public final class FeedForward implements Module {
    private final Linear up;
    private final Linear down;

    public FeedForward(String layerPrefix, Backend backend, SplittableRandom rng, int hidden, int intermediate) {
        this.up = new Linear(layerPrefix + ".intermediate.dense", backend, rng, hidden, intermediate);
        this.down = new Linear(layerPrefix + ".output.dense", backend, rng, intermediate, hidden);
    }

    public Var forward(Ops ops, Var x) {
        return down.forward(ops, up.forwardGelu(ops, x));
    }

    public Linear up() {
        return up;
    }

    public Linear down() {
        return down;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(up.parameters());
        all.addAll(down.parameters());
        return all;
    }
}
