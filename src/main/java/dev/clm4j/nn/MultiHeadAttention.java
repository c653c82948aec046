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
    private final String prefix;
    private final Backend backend;
    /** Prefix-tuning vectors in front of the keys and values, when attached. */
    private AttentionPrefix attentionPrefix;

    public MultiHeadAttention(String prefix, Backend backend, SplittableRandom rng, int hidden, int heads) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of " + heads + " heads");
        }
        this.query = new Linear(prefix + ".self.query", backend, rng, hidden, hidden);
        this.key = new Linear(prefix + ".self.key", backend, rng, hidden, hidden);
        this.value = new Linear(prefix + ".self.value", backend, rng, hidden, hidden);
        this.output = new Linear(prefix + ".output.dense", backend, rng, hidden, hidden);
        this.heads = heads;
        this.prefix = prefix;
        this.backend = backend;
    }

    /** Prepends trainable key and value vectors to every sequence's keys and values (prefix tuning). */
    public void attachPrefix(float[] keys, float[] values, int length) {
        this.attentionPrefix = new AttentionPrefix(prefix + ".self", backend, length, query.weight().colCount(), keys, values);
    }

    /** The attached prefix, or null. */
    public AttentionPrefix attentionPrefix() {
        return attentionPrefix;
    }

    public Var forward(Ops ops, Var x, Sequences seq) {
        Var q = query.forward(ops, x);
        Var k = key.forward(ops, x);
        Var v = value.forward(ops, x);
        Var context;
        if (attentionPrefix == null) {
            context = ops.attention(q, k, v, seq.mask(), seq.batch(), heads);
        } else {
            Var pk = attentionPrefix.prepend(ops, k, attentionPrefix.keys(), seq.batch());
            Var pv = attentionPrefix.prepend(ops, v, attentionPrefix.values(), seq.batch());
            context = ops.attention(q, pk, pv, attentionPrefix.mask(backend, seq), seq.batch(), heads);
        }
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
        if (attentionPrefix != null) {
            all.addAll(attentionPrefix.parameters());
        }
        return all;
    }
}
