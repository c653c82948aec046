package dev.clm4j.model;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Var;
import dev.clm4j.nn.ClassifierHead;
import dev.clm4j.nn.Module;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.Sequences;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** An encoder with a classification head on top. */
public final class Classifier implements Module {
    private final BertEncoder encoder;
    private final ClassifierHead head;

    public Classifier(BertEncoder encoder, ClassifierHead head) {
        this.encoder = encoder;
        this.head = head;
    }

    public static Classifier random(Backend backend, BertConfig config, int classes, Pooling pooling, long seed) {
        BertEncoder encoder = new BertEncoder(backend, config, seed);
        ClassifierHead head = new ClassifierHead(backend, new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L),
                config.hidden(), classes, pooling);
        return new Classifier(encoder, head);
    }

    /** Class logits [batch, classes]. */
    public Var logits(Ops ops, Indices tokenIds, Sequences seq) {
        return head.forward(ops, encoder.forward(ops, tokenIds, seq), seq);
    }

    /** Class logits from the given input of encoder layer {@code layer} (a cached frozen prefix). */
    public Var logitsFrom(Ops ops, Var layerInput, Sequences seq, int layer) {
        return head.forward(ops, encoder.forwardFrom(ops, layerInput, seq, layer), seq);
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public ClassifierHead head() {
        return head;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(encoder.parameters());
        all.addAll(head.parameters());
        return all;
    }
}
