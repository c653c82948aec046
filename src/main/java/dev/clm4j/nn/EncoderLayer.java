package dev.clm4j.nn;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.tensor.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** One post-LayerNorm BERT layer: x = LN(x + Attn(x)); x = LN(x + FFN(x)). */
public final class EncoderLayer implements Module {
    private final MultiHeadAttention attention;
    private final LayerNorm attentionNorm;
    private final FeedForward feedForward;
    private final LayerNorm outputNorm;

    public EncoderLayer(String prefix, Backend backend, SplittableRandom rng, int hidden, int heads,
                        int intermediate, float eps) {
        this.attention = new MultiHeadAttention(prefix + ".attention", backend, rng, hidden, heads);
        this.attentionNorm = new LayerNorm(prefix + ".attention.output.LayerNorm", backend, hidden, eps);
        this.feedForward = new FeedForward(prefix, backend, rng, hidden, intermediate);
        this.outputNorm = new LayerNorm(prefix + ".output.LayerNorm", backend, hidden, eps);
    }

    public Var forward(Ops ops, Var x, Sequences seq) {
        Var h = attentionNorm.forward(ops, ops.add(x, attention.forward(ops, x, seq)));
        return outputNorm.forward(ops, ops.add(h, feedForward.forward(ops, h)));
    }

    public MultiHeadAttention attention() {
        return attention;
    }

    public FeedForward feedForward() {
        return feedForward;
    }

    /** The four linear layers of this layer, bottom to top. */
    public List<Linear> linears() {
        return List.of(attention.query(), attention.key(), attention.value(), attention.output(),
                feedForward.up(), feedForward.down());
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(attention.parameters());
        all.addAll(attentionNorm.parameters());
        all.addAll(feedForward.parameters());
        all.addAll(outputNorm.parameters());
        return all;
    }
}
