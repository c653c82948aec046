package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Tensor;
import java.util.List;

/**
 * Prefix tuning (Li and Liang 2021; P-tuning v2): n trainable key and value vectors that one
 * self-attention layer prepends to every sequence's own keys and values. Every query may attend to
 * them, so they steer the layer without changing a pretrained weight; they are always real keys,
 * whatever the padding of the sequence. Named after the attention's projections
 * ({@code ...attention.self.prefix_key}, {@code ...prefix_value}).
 */
public final class AttentionPrefix implements Module {
    private final Parameter keys;
    private final Parameter values;
    /** [length, 1] of ones: the prefix's entries of the key mask. */
    private final Tensor ones;

    /** keys and values hold length x hidden values each. */
    public AttentionPrefix(String selfPrefix, Backend backend, int length, int hidden, float[] keys, float[] values) {
        if (length < 1) {
            throw new IllegalArgumentException("a prefix needs at least 1 vector, got " + length);
        }
        this.keys = new Parameter(selfPrefix + ".prefix_key", backend.upload(keys, length, hidden));
        this.values = new Parameter(selfPrefix + ".prefix_value", backend.upload(values, length, hidden));
        float[] one = new float[length];
        java.util.Arrays.fill(one, 1f);
        this.ones = backend.upload(one, length, 1);
    }

    public int length() {
        return keys.value().rows();
    }

    public Parameter keys() {
        return keys;
    }

    public Parameter values() {
        return values;
    }

    /** The keys (or values) of a batch with the prefix in front of each sequence's own. */
    Var prepend(Ops ops, Var own, Parameter prefix, int batch) {
        return ops.prependRows(prefix, own, batch);
    }

    /**
     * The key mask [batch, length + t]: the prefix is always attended to (1), padding never (the
     * sequence's own mask follows). One {@link Backend#prependRows} on the device, with d = 1.
     */
    Tensor mask(Backend backend, Sequences seq) {
        Tensor own = seq.mask().reshape(seq.batch() * seq.length(), 1);
        return backend.prependRows(ones, own, seq.batch()).reshape(seq.batch(), length() + seq.length());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(keys, values);
    }
}
