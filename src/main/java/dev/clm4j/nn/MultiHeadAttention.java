package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BERT self-attention: query, key and value projections, scaled-dot-product attention over the
 * real tokens, and the output projection (attention.self.* and attention.output.dense).
 */
public final class MultiHeadAttention implements Module {
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;
    private final int heads;

    public MultiHeadAttention(String prefix, Backend backend, SplittableRandom rng, int hidden, int heads) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of " + heads + " heads");
        }
        this.query = new Linear(prefix + ".self.query", backend, rng, hidden, hidden);
        this.key = new Linear(prefix + ".self.key", backend, rng, hidden, hidden);
        this.value = new Linear(prefix + ".self.value", backend, rng, hidden, hidden);
        this.output = new Linear(prefix + ".output.dense", backend, rng, hidden, hidden);
        this.heads = heads;
    }

    public Var forward(Ops ops, Var x, Sequences seq) {
        Var q = query.forward(ops, x);
        Var k = key.forward(ops, x);
        Var v = value.forward(ops, x);
        Var context = ops.attention(q, k, v, seq.mask(), seq.batch(), heads);
        return output.forward(ops, context);
    }

    public Linear query() {
        return query;
    }

    public Linear key() {
        return key;
    }

    public Linear value() {
        return value;
    }

    public Linear output() {
        return output;
    }

    public int heads() {
        return heads;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        all.addAll(query.parameters());
        all.addAll(key.parameters());
        all.addAll(value.parameters());
        all.addAll(output.parameters());
        return all;
    }
}
