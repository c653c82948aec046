package dev.clm4j.tensor.cuda;

import static dev.clm4j.tensor.cuda.CudaTesting.close;

import dev.clm4j.autograd.Ops;
import dev.clm4j.autograd.Tape;
import dev.clm4j.autograd.Var;
import dev.clm4j.model.Classifier;
import dev.clm4j.nn.AttentionPrefix;
import dev.clm4j.nn.Parameter;
import dev.clm4j.nn.Pooling;
import dev.clm4j.nn.TinyModels;
import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Rand;
import dev.clm4j.tensor.ReferenceBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A tiny encoder with prefix-tuning vectors in every layer on the CUDA backend against the
 * reference: the logits of a padded batch (the key mask built on the device) and the gradients of
 * the prefix keys and values, the only trainable encoder parameters. Errors compound through the
 * layers, so 1e-4 for the logits and 1e-3 for the gradients.
 */
class CudaPrefixTuningTest {
    private static final int LENGTH = 3;

    private static Classifier model(Backend b) {
        Classifier model = TinyModels.tinyClassifier(b, 2, 3, Pooling.MEAN, 17);
        int hidden = model.encoder().config().hidden();
        Rand r = new Rand(18);
        float[][] keys = new float[2][];
        float[][] values = new float[2][];
        for (int l = 0; l < 2; l++) {
            keys[l] = r.floats(LENGTH * hidden, 1f);
            values[l] = r.floats(LENGTH * hidden, 1f);
        }
        model.encoder().attachPrefix(LENGTH, keys, values);
        model.parameters().forEach(Parameter::freeze);
        model.encoder().layers().forEach(l -> l.attention().attentionPrefix().parameters().forEach(Parameter::trainAll));
        return model;
    }

    private static float[] logitsAndBackward(Backend b, Classifier model) {
        TinyModels.Batch batch = TinyModels.keywordBatch(b, new SplittableRandom(19), 5, 3, 9);
        Tape tape = new Tape();
        Ops ops = new Ops(b, tape);
        Var logits = model.logits(ops, batch.ids(), batch.seq());
        tape.backward(b, ops.crossEntropy(logits, batch.labels()));
        return b.download(logits.value());
    }

    @Test
    void prefixModelMatchesTheReference() {
        CudaBackend cuda = CudaTesting.cudaOrSkip();
        Backend ref = new ReferenceBackend();
        Classifier m0 = model(ref);
        Classifier m1 = model(cuda);
        close(logitsAndBackward(ref, m0), logitsAndBackward(cuda, m1), 1e-4, "logits");
        for (int l = 0; l < 2; l++) {
            AttentionPrefix p0 = m0.encoder().layers().get(l).attention().attentionPrefix();
            AttentionPrefix p1 = m1.encoder().layers().get(l).attention().attentionPrefix();
            close(p0.keys().grad().data(), cuda.download(p1.keys().grad()), 1e-3, "layer " + l + " prefix key grad");
            close(p0.values().grad().data(), cuda.download(p1.values().grad()), 1e-3, "layer " + l + " prefix value grad");
        }
    }
}
