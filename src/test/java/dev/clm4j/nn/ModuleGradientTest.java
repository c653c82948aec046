package dev.clm4j.nn;

import dev.clm4j.autograd.GradCheck;
import dev.clm4j.autograd.Var;
import dev.clm4j.model.Classifier;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Indices;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import dev.clm4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Finite-difference checks of every module, with respect to its input and all its parameters.
 * Same tolerances as the op tests (eps 1e-2, atol 2e-3, rtol 2e-2); parameters are scaled up
 * from BERT's 0.02 init so that the checks see non-trivial gradients.
 */
class ModuleGradientTest {
    private final Backend b = new ReferenceBackend();
    private final Rand r = new Rand(77);

    private GradCheck checker() {
        return new GradCheck(b, 1e-2, 2e-3, 2e-2, 25, 5);
    }

    private List<Var> trainAll(Module m, float scale) {
        List<Var> vars = new ArrayList<>();
        for (Parameter p : m.parameters()) {
            p.trainAll();
            float[] v = p.value().data();
            if (!p.name().endsWith("LayerNorm.weight")) {
                float[] noise = r.floats(v.length, scale);
                for (int i = 0; i < v.length; i++) {
                    v[i] += noise[i];
                }
            }
            vars.add(p);
        }
        return vars;
    }

    @Test
    void linear() {
        Linear lin = new Linear("l", b, new SplittableRandom(1), 7, 5);
        List<Var> inputs = trainAll(lin, 0.5f);
        Var x = new Var(r.uniform(b, 1f, 3, 7), true);
        inputs.add(x);
        checker().check(ops -> lin.forward(ops, x), inputs);
    }

    @Test
    void embeddingAndLayerNorm() {
        Embedding emb = new Embedding("e", b, new SplittableRandom(2), 11, 6);
        LayerNorm ln = new LayerNorm("n", b, 6, 1e-12f);
        List<Var> inputs = trainAll(emb, 1f);
        inputs.addAll(trainAll(ln, 0.5f));
        Indices ids = Indices.of(4, 0, 10, 4, 7);
        checker().check(ops -> ln.forward(ops, emb.forward(ops, ids)), inputs);
    }

    @Test
    void multiHeadAttention() {
        MultiHeadAttention mha = new MultiHeadAttention("a", b, new SplittableRandom(3), 6, 2);
        List<Var> inputs = trainAll(mha, 0.5f);
        Sequences seq = new Sequences(2, 5, r.paddingMask(b, 2, 5));
        Var x = new Var(r.uniform(b, 1f, 10, 6), true);
        inputs.add(x);
        checker().check(ops -> mha.forward(ops, x, seq), inputs);
    }

    /** Prefix tuning: the gradient reaches the prefix keys and values through attention over a padded batch. */
    @Test
    void multiHeadAttentionWithPrefix() {
        MultiHeadAttention mha = new MultiHeadAttention("a", b, new SplittableRandom(13), 6, 2);
        mha.attachPrefix(r.floats(3 * 6, 1f), r.floats(3 * 6, 1f), 3);
        List<Var> inputs = trainAll(mha, 0.5f);
        float[] mask = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};  // the second sequence is mostly padding
        Sequences seq = new Sequences(2, 5, b.upload(mask, 2, 5));
        Var x = new Var(r.uniform(b, 1f, 10, 6), true);
        inputs.add(x);
        checker().check(ops -> mha.forward(ops, x, seq), inputs);
        // Only the prefix trains (as in prefix tuning): its gradient alone, through a frozen input.
        mha.parameters().forEach(Parameter::freeze);
        AttentionPrefix prefix = mha.attentionPrefix();
        prefix.parameters().forEach(Parameter::trainAll);
        Var frozen = Var.constant(x.value());
        checker().check(ops -> mha.forward(ops, frozen, seq), List.of(prefix.keys(), prefix.values()));
    }

    @Test
    void feedForward() {
        FeedForward ff = new FeedForward("f", b, new SplittableRandom(4), 5, 9);
        List<Var> inputs = trainAll(ff, 0.5f);
        Var x = new Var(r.uniform(b, 1f, 3, 5), true);
        inputs.add(x);
        checker().check(ops -> ff.forward(ops, x), inputs);
    }

    @Test
    void encoderLayer() {
        EncoderLayer layer = new EncoderLayer("layer", b, new SplittableRandom(5), 6, 3, 7, 1e-12f);
        List<Var> inputs = trainAll(layer, 0.4f);
        Sequences seq = new Sequences(2, 4, r.paddingMask(b, 2, 4));
        Var x = new Var(r.uniform(b, 1f, 8, 6), true);
        inputs.add(x);
        checker().check(ops -> layer.forward(ops, x, seq), inputs);
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void classifierHead(Pooling pooling) {
        ClassifierHead head = new ClassifierHead(b, new SplittableRandom(6), 5, 3, pooling);
        List<Var> inputs = trainAll(head, 0.5f);
        Sequences seq = new Sequences(3, 4, r.paddingMask(b, 3, 4));
        Var h = new Var(r.uniform(b, 1f, 12, 5), true);
        inputs.add(h);
        checker().check(ops -> head.forward(ops, h, seq), inputs);
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void wholeTinyEncoderWithHeadThroughTheLoss(Pooling pooling) {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, pooling, 9);
        List<Var> inputs = trainAll(model, 0.3f);
        TinyModels.Batch batch = TinyModels.keywordBatch(b, new SplittableRandom(10), 3, 3, 6);
        new GradCheck(b, 1e-2, 2e-3, 2e-2, 6, 11).check(
                ops -> ops.crossEntropy(model.logits(ops, batch.ids(), batch.seq()), batch.labels()), inputs);
    }

    @Test
    void maskedParametersAreCheckedOnTheirRows() {
        Linear lin = new Linear("l", b, new SplittableRandom(12), 6, 8);
        trainAll(lin, 0.5f);
        lin.weight().trainMasked(Mask.rows(new int[] {0, 5, 7}, 8, 6));
        lin.bias().trainMasked(Mask.rows(new int[] {0, 5, 7}, 8, 1));
        Tensor xv = r.uniform(b, 1f, 4, 6);
        Var x = Var.constant(xv);
        checker().check(ops -> lin.forward(ops, x), List.of(lin.weight(), lin.bias()));
    }
}
