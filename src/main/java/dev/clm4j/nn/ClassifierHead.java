package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.List;
import java.util.SplittableRandom;

/** Pools the encoder's hidden states and maps them to class logits (classifier.weight/bias). */
public final class ClassifierHead implements Module {
    private final Linear linear;
    private final Pooling pooling;

    public ClassifierHead(Backend backend, SplittableRandom rng, int hidden, int classes, Pooling pooling) {
        this.linear = new Linear("classifier", backend, rng, hidden, classes);
        this.pooling = pooling;
    }

    /** The pooled sentence vectors [batch, hidden]. */
    public Var pool(Ops ops, Var hidden, Sequences seq) {
        if (pooling == Pooling.MEAN) {
            return ops.meanPool(hidden, seq.mask(), seq.batch());
        }
        int[] firstRows = new int[seq.batch()];
        for (int b = 0; b < firstRows.length; b++) {
            firstRows[b] = b * seq.length();
        }
        return ops.gatherRows(hidden, new Indices(firstRows));
    }

    public Var logits(Ops ops, Var pooled) {
        return linear.forward(ops, pooled);
    }

    public Var forward(Ops ops, Var hidden, Sequences seq) {
        return logits(ops, pool(ops, hidden, seq));
    }

    public Linear linear() {
        return linear;
    }

    public Pooling pooling() {
        return pooling;
    }

    public int classes() {
        return linear.out();
    }

    @Override
    public List<Parameter> parameters() {
        return linear.parameters();
    }
}
