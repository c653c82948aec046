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

    /** keys and values hold length x hidden values each. */
    public AttentionPrefix(String selfPrefix, Backend backend, int length, int hidden, float[] keys, float[] values) {
        if (length < 1) {
            throw new IllegalArgumentException("a prefix needs at least 1 vector, got " + length);
        }
        this.keys = new Parameter(selfPrefix + ".prefix_key", backend.upload(keys, length, hidden));
        this.values = new Parameter(selfPrefix + ".prefix_value", backend.upload(values, length, hidden));
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

    /** The key mask [batch, length + t]: the prefix is always attended to, padding never. */
    Tensor mask(Backend backend, Sequences seq) {
        int n = length();
        int t = seq.length();
        float[] own = backend.download(seq.mask());
        float[] mask = new float[seq.batch() * (n + t)];
        for (int b = 0; b < seq.batch(); b++) {
            java.util.Arrays.fill(mask, b * (n + t), b * (n + t) + n, 1f);
            System.arraycopy(own, b * t, mask, b * (n + t) + n, t);
        }
        return backend.upload(mask, seq.batch(), n + t);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(keys, values);
    }
}
